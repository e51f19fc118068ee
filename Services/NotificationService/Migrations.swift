import Storage

/// The forward-only migrations of the `notification` schema. Append; never edit one that has shipped.
enum Migrations {
    static let all: [Migration] = [
        StandardTables.migration,
        StandardTables.fencedOffsetsAndParking(version: 2),
        StandardTables.identityAndAudit(version: 3),
        messages,
    ]

    /// Contacts (this service alone holds addresses), schools' own details, and every message with its status path.
    static let messages = Migration(version: 4, name: "contacts, schools, messages and their status path", statements: [
        """
        CREATE TABLE pupils (
            upn text PRIMARY KEY,
            school_urn text NOT NULL,
            forename text NOT NULL,
            looked_after boolean NOT NULL DEFAULT false,
            has_social_worker boolean NOT NULL DEFAULT false,
            updated_at timestamptz NOT NULL DEFAULT now()
        )
        """,
        """
        CREATE TABLE contacts (
            upn text NOT NULL,
            contact_key text NOT NULL,
            position integer NOT NULL,
            name text NOT NULL,
            relationship text NOT NULL,
            parental_responsibility boolean NOT NULL,
            lives_with_pupil boolean,
            restricted boolean NOT NULL DEFAULT false,
            email text,
            mobile text,
            postal_address text,
            language text,
            channel text,
            PRIMARY KEY (upn, contact_key)
        )
        """,
        """
        CREATE TABLE schools (
            urn text PRIMARY KEY,
            name text NOT NULL,
            phone text NOT NULL,
            lead_email text NOT NULL,
            updated_at timestamptz NOT NULL DEFAULT now()
        )
        """,
        """
        CREATE TABLE messages (
            id bigserial PRIMARY KEY,
            idempotency_key text NOT NULL UNIQUE,
            source_event uuid NOT NULL,
            request_id text,
            case_id text,
            school_urn text NOT NULL,
            upn text NOT NULL,
            kind text NOT NULL,
            template_key text NOT NULL,
            audience text NOT NULL,
            contact_key text,
            channel text NOT NULL,
            statutory boolean NOT NULL DEFAULT false,
            fields jsonb NOT NULL DEFAULT '{}',
            session_date date,
            status text NOT NULL,
            due_at timestamptz NOT NULL,
            stale_at timestamptz,
            attempts integer NOT NULL DEFAULT 0,
            lease_until timestamptz,
            -- Which claim holds the message: a dispatcher records an outcome only while its own claim stands.
            lease_token uuid,
            receipt_checked_at timestamptz,
            template_version integer,
            language text,
            address_masked text,
            body_sha256 text,
            legal_body text,
            provider_reference text,
            created_at timestamptz NOT NULL DEFAULT now(),
            updated_at timestamptz NOT NULL DEFAULT now()
        )
        """,
        "CREATE INDEX messages_due ON messages (due_at) WHERE status IN ('queued', 'sending')",
        "CREATE INDEX messages_pupil ON messages (upn, session_date)",
        "CREATE INDEX messages_request ON messages (request_id)",
        """
        CREATE TABLE message_statuses (
            message_id bigint NOT NULL REFERENCES messages (id),
            status text NOT NULL,
            at timestamptz NOT NULL,
            detail text
        )
        """,
        "CREATE INDEX message_statuses_message ON message_statuses (message_id)",
        """
        CREATE TABLE school_digest_items (
            id bigserial PRIMARY KEY,
            school_urn text NOT NULL,
            upn text NOT NULL,
            summary text NOT NULL,
            added_at timestamptz NOT NULL,
            digest_message_id bigint
        )
        """,
        "CREATE INDEX school_digest_pending ON school_digest_items (school_urn) WHERE digest_message_id IS NULL",
    ])
}
