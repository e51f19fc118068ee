import Storage

/// The forward-only migrations of the `la_portal` schema: people's local accounts, their sessions and the sign-in
/// log. The portal keeps no domain data: every page is read from the services' APIs. Append; never edit one that has shipped.
enum Migrations {
    static let all: [Migration] = [accounts, federated]

    static let accounts = Migration(version: 1, name: "local accounts, sessions and sign-ins", statements: [
        """
        CREATE TABLE accounts (
            username text PRIMARY KEY,
            display_name text NOT NULL,
            password_hash text NOT NULL,
            roles text[] NOT NULL,
            schools text[] NOT NULL DEFAULT '{}',
            pupils text[] NOT NULL DEFAULT '{}',
            failed_sign_ins integer NOT NULL DEFAULT 0,
            locked_until timestamptz,
            disabled boolean NOT NULL DEFAULT false,
            created_at timestamptz NOT NULL DEFAULT now()
        )
        """,
        // Only the SHA-256 of a session's cookie is kept: a copy of the table signs nobody in.
        """
        CREATE TABLE sessions (
            id_sha256 bytea PRIMARY KEY,
            username text NOT NULL REFERENCES accounts ON DELETE CASCADE,
            csrf_token text NOT NULL,
            created_at timestamptz NOT NULL DEFAULT now(),
            last_seen_at timestamptz NOT NULL DEFAULT now()
        )
        """,
        "CREATE INDEX sessions_by_user ON sessions (username)",
        """
        CREATE TABLE sign_ins (
            id bigserial PRIMARY KEY,
            at timestamptz NOT NULL DEFAULT now(),
            username text NOT NULL,
            outcome text NOT NULL,
            client text
        )
        """,
    ])

    /// Sign-in through the LA's identity provider: each sign-in's state, nonce and PKCE verifier until the provider
    /// sends the browser back (ten minutes at most), and accounts that exist because the provider vouched for them.
    static let federated = Migration(version: 2, name: "sign-in through the LA's identity provider", statements: [
        """
        CREATE TABLE oidc_sign_ins (
            state text PRIMARY KEY,
            nonce text NOT NULL,
            verifier text NOT NULL,
            next text NOT NULL,
            created_at timestamptz NOT NULL DEFAULT now()
        )
        """,
        "ALTER TABLE accounts ADD COLUMN federated boolean NOT NULL DEFAULT false",
    ])
}
