import Storage

/// The forward-only migrations of the `register_ingest` schema. Append; never edit one that has shipped.
enum Migrations {
    static let all: [Migration] = [
        StandardTables.migration,
        Migration(version: 2, name: "marks and tokens", statements: [
            """
            CREATE TABLE marks (
                school_urn text NOT NULL,
                upn text NOT NULL,
                date date NOT NULL,
                session text NOT NULL CHECK (session IN ('AM', 'PM')),
                code text NOT NULL,
                minutes_late integer,
                recorded_at timestamptz NOT NULL DEFAULT now(),
                amended_at timestamptz,
                PRIMARY KEY (school_urn, date, session, upn)
            )
            """,
            "CREATE INDEX marks_by_pupil ON marks (upn, date)",
            """
            CREATE TABLE ingest_tokens (
                token_sha256 text PRIMARY KEY,
                school_urn text,
                la_wide boolean NOT NULL DEFAULT false,
                created_at timestamptz NOT NULL DEFAULT now(),
                CHECK (la_wide OR school_urn IS NOT NULL)
            )
            """,
        ]),
        Migration(version: 3, name: "roster", statements: [
            """
            CREATE TABLE pupils (
                school_urn text NOT NULL,
                upn text NOT NULL,
                profile_json text NOT NULL,
                contacts_json text NOT NULL,
                updated_at timestamptz NOT NULL DEFAULT now(),
                PRIMARY KEY (school_urn, upn)
            )
            """,
        ]),
        Migration(version: 4, name: "access tokens under the name every service uses", statements: [
            "ALTER TABLE ingest_tokens RENAME TO access_tokens",
        ]),
        StandardTables.fencedOffsetsAndParking(version: 5),
        StandardTables.identityAndAudit(version: 6),
    ]
}
