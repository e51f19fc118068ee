import Storage

/// The forward-only migrations of the `meeting_scheduler` schema. Append; never edit one that has shipped.
enum Migrations {
    static let all: [Migration] = [
        StandardTables.migration,
        StandardTables.fencedOffsetsAndParking(version: 2),
        StandardTables.identityAndAudit(version: 3),
        panels,
        meetingsAndMailings,
    ]

    /// Panel series and their sessions, the requests' queue, bookings (one UID for life, a rising sequence),
    /// outcomes and calendar feeds.
    static let panels = Migration(version: 4, name: "panels, requests, bookings, outcomes and calendar feeds", statements: [
        """
        CREATE TABLE panel_series (
            series_id text PRIMARY KEY,
            name text NOT NULL,
            definition jsonb NOT NULL,
            chair text NOT NULL,
            created_by text NOT NULL,
            created_at timestamptz NOT NULL DEFAULT now()
        )
        """,
        """
        CREATE TABLE panel_sessions (
            session_id text PRIMARY KEY,
            series_id text NOT NULL REFERENCES panel_series,
            starts_at timestamptz NOT NULL,
            ends_at timestamptz NOT NULL,
            slot_minutes integer NOT NULL,
            buffer_minutes integer NOT NULL,
            capacity integer NOT NULL,
            overflow integer NOT NULL,
            chair text NOT NULL
        )
        """,
        "CREATE INDEX panel_sessions_by_start ON panel_sessions (starts_at)",
        """
        CREATE TABLE requests (
            referral_id text PRIMARY KEY,
            case_id text NOT NULL,
            request jsonb NOT NULL,
            state text NOT NULL,
            received_at timestamptz NOT NULL DEFAULT now(),
            decided_at timestamptz,
            decided_by text,
            return_reasons text[] NOT NULL DEFAULT '{}'
        )
        """,
        """
        CREATE TABLE bookings (
            booking_id uuid PRIMARY KEY,
            referral_id text NOT NULL REFERENCES requests,
            case_id text NOT NULL,
            session_id text NOT NULL REFERENCES panel_sessions,
            slot integer NOT NULL,
            starts_at timestamptz NOT NULL,
            ends_at timestamptz NOT NULL,
            sequence integer NOT NULL DEFAULT 0,
            status text NOT NULL,
            updated_at timestamptz NOT NULL DEFAULT now()
        )
        """,
        "CREATE UNIQUE INDEX bookings_one_per_slot ON bookings (session_id, slot) WHERE status <> 'cancelled'",
        "CREATE UNIQUE INDEX bookings_one_live_per_referral ON bookings (referral_id) WHERE status = 'confirmed'",
        """
        CREATE TABLE outcomes (
            booking_id uuid PRIMARY KEY REFERENCES bookings,
            body jsonb NOT NULL,
            chair text NOT NULL,
            recorded_at timestamptz NOT NULL DEFAULT now()
        )
        """,
        """
        CREATE TABLE calendar_feeds (
            token_sha256 text PRIMARY KEY,
            label text NOT NULL,
            owner text,
            series_id text,
            created_by text NOT NULL,
            created_at timestamptz NOT NULL DEFAULT now(),
            revoked_at timestamptz,
            CHECK (owner IS NOT NULL OR series_id IS NOT NULL)
        )
        """,
    ])

    /// Meetings other than the panel (family meetings and targeting support meetings, one UID each for life), the
    /// termly TSM rounds, and the record of what the scheduler has mailed: panel agendas, each person's week ahead
    /// and reminders of requests not decided in time.
    static let meetingsAndMailings = Migration(version: 5, name: "family meetings, targeting support meetings and schedule mailings", statements: [
        """
        CREATE TABLE tsm_rounds (
            round_id text PRIMARY KEY,
            name text NOT NULL,
            definition jsonb NOT NULL,
            created_by text NOT NULL,
            created_at timestamptz NOT NULL DEFAULT now()
        )
        """,
        """
        CREATE TABLE meetings (
            meeting_id uuid PRIMARY KEY,
            kind text NOT NULL CHECK (kind IN ('contract', 'contract_review', 'pre_court', 'tsm')),
            case_id text,
            upn text,
            school_urn text NOT NULL,
            round_id text REFERENCES tsm_rounds,
            starts_at timestamptz NOT NULL,
            ends_at timestamptz NOT NULL,
            sequence integer NOT NULL DEFAULT 0,
            status text NOT NULL CHECK (status IN ('invited', 'attended', 'did_not_attend', 'cancelled')),
            organiser text NOT NULL,
            staff text[] NOT NULL,
            interpreter_language text,
            family_moves integer NOT NULL DEFAULT 0,
            follows uuid REFERENCES meetings,
            details jsonb NOT NULL DEFAULT '{}',
            updated_at timestamptz NOT NULL DEFAULT now(),
            CHECK (kind = 'tsm' OR (case_id IS NOT NULL AND upn IS NOT NULL))
        )
        """,
        "CREATE INDEX meetings_by_case ON meetings (case_id, starts_at)",
        "CREATE INDEX meetings_by_start ON meetings (starts_at)",
        "CREATE UNIQUE INDEX meetings_one_tsm_per_school_and_round ON meetings (round_id, school_urn) WHERE kind = 'tsm'",
        "ALTER TABLE panel_sessions ADD COLUMN agenda_sent_at timestamptz",
        "ALTER TABLE requests ADD COLUMN acceptance_reminded_at timestamptz",
        """
        CREATE TABLE weekly_schedules (
            week_start date NOT NULL,
            person text NOT NULL,
            sent_at timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (week_start, person)
        )
        """,
    ])
}
