import Storage

/// The forward-only migrations of the `la_portal` schema: people's local accounts, their sessions and the sign-in
/// log. The portal keeps no domain data: every page is read from the services' APIs. Append; never edit one that has shipped.
enum Migrations {
    static let all: [Migration] = [accounts]

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
}
