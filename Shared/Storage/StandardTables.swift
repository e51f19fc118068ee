/// The tables every service needs beside its own: the outbox, the processed-event inbox, and the
/// consumer offsets a service stores in the same transaction as its state.
///
/// Each service lists `StandardTables.migration` as its first migration.
public enum StandardTables {
    public static let migration = Migration(version: 1, name: "outbox, processed events and consumer offsets", statements: [
        """
        CREATE TABLE outbox (
            id bigserial PRIMARY KEY,
            event_id uuid NOT NULL UNIQUE,
            topic text NOT NULL,
            message_key text NOT NULL,
            payload bytea NOT NULL,
            created_at timestamptz NOT NULL DEFAULT now(),
            published_at timestamptz,
            attempts integer NOT NULL DEFAULT 0,
            last_error text
        )
        """,
        "CREATE INDEX outbox_unpublished ON outbox (id) WHERE published_at IS NULL",
        """
        CREATE TABLE processed_events (
            consumer text NOT NULL,
            event_id uuid NOT NULL,
            processed_at timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (consumer, event_id)
        )
        """,
        """
        CREATE TABLE consumer_offsets (
            consumer_group text NOT NULL,
            topic text NOT NULL,
            partition integer NOT NULL,
            next_offset bigint NOT NULL,
            updated_at timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (consumer_group, topic, partition)
        )
        """,
    ])

    /// What the shared batch consumer and the ordered outbox need beyond ``migration``: headers on outbox
    /// rows (dead letters carry theirs), parking of a row that keeps failing, and a generation per stored
    /// offset so that a consumer which has lost a partition cannot overwrite its new owner's offsets.
    /// Every service lists it after its existing migrations, with its next version number.
    public static func fencedOffsetsAndParking(version: Int) -> Migration {
        Migration(version: version, name: "outbox headers and parking, fenced consumer offsets", statements: [
            "ALTER TABLE outbox ADD COLUMN headers jsonb, ADD COLUMN parked_at timestamptz",
            // The rows that hold back the later rows of their key: parked, or refused at least once.
            "CREATE INDEX outbox_held ON outbox (topic, message_key, id) WHERE published_at IS NULL AND (parked_at IS NOT NULL OR attempts > 0)",
            "ALTER TABLE consumer_offsets ADD COLUMN generation bigint NOT NULL DEFAULT 0",
        ])
    }

    /// The bearer tokens a service's API accepts, stored as SHA-256 hashes: a school's (that school only)
    /// or the LA's. Services with an API list it after ``migration`` with their next version number.
    public static func accessTokens(version: Int) -> Migration {
        Migration(version: version, name: "access tokens", statements: [
            """
            CREATE TABLE access_tokens (
                token_sha256 text PRIMARY KEY,
                school_urn text,
                la_wide boolean NOT NULL DEFAULT false,
                created_at timestamptz NOT NULL DEFAULT now(),
                CHECK (la_wide OR school_urn IS NOT NULL)
            )
            """,
        ])
    }

    /// Identity and the access audit, for every service (after ``fencedOffsetsAndParking(version:)``):
    /// connector tokens gain a label, an expiry and revocation; signed tokens can be revoked by id; and
    /// `access_audit` records every read and write of a child's data. Audit rows cannot be updated or
    /// truncated (triggers refuse it); only the retention housekeeping deletes them.
    public static func identityAndAudit(version: Int) -> Migration {
        Migration(version: version, name: "identity and access audit", statements: [
            """
            CREATE TABLE IF NOT EXISTS access_tokens (
                token_sha256 text PRIMARY KEY,
                school_urn text,
                la_wide boolean NOT NULL DEFAULT false,
                created_at timestamptz NOT NULL DEFAULT now(),
                CHECK (la_wide OR school_urn IS NOT NULL)
            )
            """,
            "ALTER TABLE access_tokens ADD COLUMN label text, ADD COLUMN expires_at timestamptz, ADD COLUMN revoked_at timestamptz",
            // Tokens made before labels and expiry: named by their hash, valid for a year from now.
            "UPDATE access_tokens SET label = 'token-' || left(token_sha256, 8), expires_at = now() + interval '365 days'",
            "ALTER TABLE access_tokens ALTER COLUMN label SET NOT NULL",
            "CREATE UNIQUE INDEX access_tokens_live_label ON access_tokens (label) WHERE revoked_at IS NULL",
            """
            CREATE TABLE revoked_tokens (
                token_id text PRIMARY KEY,
                reason text NOT NULL,
                revoked_at timestamptz NOT NULL DEFAULT now()
            )
            """,
            """
            CREATE TABLE access_audit (
                id bigserial PRIMARY KEY,
                at timestamptz NOT NULL DEFAULT clock_timestamp(),
                subject text NOT NULL,
                token_id text NOT NULL,
                roles text[] NOT NULL,
                action text NOT NULL,
                school_urn text,
                pupils text[] NOT NULL DEFAULT '{}',
                case_id text,
                status integer NOT NULL,
                refusal text,
                client text
            )
            """,
            "CREATE INDEX access_audit_by_time ON access_audit (at)",
            "CREATE INDEX access_audit_by_subject ON access_audit (subject, at)",
            "CREATE INDEX access_audit_by_pupil ON access_audit USING gin (pupils)",
            """
            CREATE FUNCTION access_audit_refuse_update() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                RAISE EXCEPTION 'access_audit rows cannot be changed';
            END $$
            """,
            "CREATE TRIGGER access_audit_append_only BEFORE UPDATE ON access_audit FOR EACH ROW EXECUTE FUNCTION access_audit_refuse_update()",
            // Deleting is the retention housekeeping's alone: it says so for its transaction (SET LOCAL).
            """
            CREATE FUNCTION access_audit_refuse_delete() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF coalesce(current_setting('attendance.audit_retention', true), '') <> 'on' THEN
                    RAISE EXCEPTION 'access_audit rows are deleted only by the retention housekeeping';
                END IF;
                RETURN NULL;
            END $$
            """,
            "CREATE TRIGGER access_audit_retention_only BEFORE DELETE ON access_audit FOR EACH STATEMENT EXECUTE FUNCTION access_audit_refuse_delete()",
            "CREATE TRIGGER access_audit_no_truncate BEFORE TRUNCATE ON access_audit FOR EACH STATEMENT EXECUTE FUNCTION access_audit_refuse_update()",
        ])
    }
}
