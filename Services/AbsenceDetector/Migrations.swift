import Storage

/// The forward-only migrations of the `absence_detector` schema. Append; never edit one that has shipped.
enum Migrations {
    static let all: [Migration] = [
        StandardTables.migration,
        StandardTables.accessTokens(version: 2),
        Migration(version: 3, name: "pupil state, signals and profiles", statements: [
            """
            CREATE TABLE pupil_state (
                school_urn text NOT NULL,
                upn text NOT NULL,
                partition integer NOT NULL,
                sessions bytea NOT NULL,
                conditions text NOT NULL,
                conditions_year integer NOT NULL,
                signalled_spells bytea NOT NULL,
                academic_year integer NOT NULL,
                possible_sessions integer NOT NULL,
                present integer NOT NULL,
                approved_educational_activity integer NOT NULL,
                authorised_absence integer NOT NULL,
                unauthorised_absence integer NOT NULL,
                not_counted integer NOT NULL,
                persistent_absence boolean NOT NULL,
                severe_absence boolean NOT NULL,
                updated_at timestamptz NOT NULL,
                PRIMARY KEY (school_urn, upn)
            ) WITH (fillfactor = 70)
            """,
            // Room on each page lets the constant rewrites of a pupil's row be HOT updates (no index changes).
            "CREATE INDEX pupil_state_by_partition ON pupil_state (partition)",
            "CREATE INDEX pupil_state_by_upn ON pupil_state (upn)",
            """
            CREATE TABLE signals (
                event_id uuid PRIMARY KEY,
                school_urn text NOT NULL,
                upn text NOT NULL,
                kind text NOT NULL,
                payload text NOT NULL,
                created_at timestamptz NOT NULL DEFAULT clock_timestamp()
            )
            """,
            "CREATE INDEX signals_by_pupil ON signals (upn, created_at)",
            """
            CREATE TABLE pupil_profiles (
                school_urn text NOT NULL,
                upn text NOT NULL,
                year_group text NOT NULL,
                sen_support boolean NOT NULL,
                ehc_plan boolean NOT NULL,
                free_school_meals boolean NOT NULL,
                child_looked_after boolean NOT NULL,
                has_social_worker boolean NOT NULL,
                family_id text,
                updated_at timestamptz NOT NULL DEFAULT now(),
                PRIMARY KEY (school_urn, upn)
            )
            """,
        ]),
        Migration(version: 4, name: "signals by session date", statements: [
            // The date of the session a signal is about, for "today's first-day absences" and the like.
            "ALTER TABLE signals ADD COLUMN session_date date",
            "UPDATE signals SET session_date = left((payload::jsonb) #>> '{data,asOf}', 10)::date",
            "ALTER TABLE signals ALTER COLUMN session_date SET NOT NULL",
            "CREATE INDEX signals_by_date ON signals (session_date, kind)",
        ]),
        StandardTables.fencedOffsetsAndParking(version: 5),
        StandardTables.identityAndAudit(version: 6),
        Migration(version: 7, name: "spells, offence periods and compulsory school age", statements: [
            """
            ALTER TABLE pupil_state ADD COLUMN explained_spells bytea NOT NULL DEFAULT '',
                ADD COLUMN returned_spells bytea NOT NULL DEFAULT '', ADD COLUMN penalty_used_sessions bytea NOT NULL DEFAULT '',
                ADD COLUMN penalty_used_through integer NOT NULL DEFAULT -1
            """,
            // Pupils already judged under the earlier rules: their history so far is not judged again for the
            // penalty threshold, and a 10-day return already made is not made again for the spell it was in.
            // `sessions` holds 5 bytes a session (the ordinal little-endian, then the code); the last is the latest.
            """
            UPDATE pupil_state SET penalty_used_through = get_byte(sessions, length(sessions) - 5) + get_byte(sessions, length(sessions) - 4) * 256
                + get_byte(sessions, length(sessions) - 3) * 65536
            WHERE length(sessions) >= 5
            """,
            """
            UPDATE pupil_state SET returned_spells = substring(sessions from length(sessions) - 4 for 4)
            WHERE length(sessions) >= 5 AND ',' || conditions || ',' LIKE '%,unauthorised_10_days,%'
            """,
            // The dates, not the date of birth: what the rules need and no more. Profiles stored before this have
            // none until the school's next roster changes them: such pupils are judged as of compulsory school age.
            "ALTER TABLE pupil_profiles ADD COLUMN compulsory_from date, ADD COLUMN compulsory_until date",
        ]),
        Migration(version: 8, name: "watches", statements: [
            """
            CREATE TABLE watches (
                watch_id text PRIMARY KEY,
                school_urn text NOT NULL,
                upn text NOT NULL,
                from_date date NOT NULL,
                to_date date NOT NULL,
                max_unauthorised integer NOT NULL,
                min_attendance_percent integer,
                breached_at timestamptz,
                ended_at timestamptz,
                cancelled_at timestamptz,
                created_at timestamptz NOT NULL DEFAULT now()
            )
            """,
            "CREATE INDEX watches_open ON watches (school_urn, upn) WHERE ended_at IS NULL AND cancelled_at IS NULL",
        ]),
        Migration(version: 9, name: "pupils across schools, and on roll", statements: [
            // The 10-day return's spells and the penalty threshold's offence periods are the child's, across
            // the schools they moved between or are dual-registered at: one row per UPN.
            """
            CREATE TABLE pupil_journeys (
                upn text PRIMARY KEY,
                returned_spells bytea NOT NULL DEFAULT '',
                penalty_used_sessions bytea NOT NULL DEFAULT '',
                penalty_used_through integer NOT NULL DEFAULT -1,
                updated_at timestamptz NOT NULL DEFAULT now()
            )
            """,
            // What each enrolment had reported carries over (ordinals are sessions, the same at every school).
            """
            INSERT INTO pupil_journeys (upn, returned_spells, penalty_used_sessions, penalty_used_through)
            SELECT upn, string_agg(returned_spells, ''::bytea), string_agg(penalty_used_sessions, ''::bytea), max(penalty_used_through)
            FROM pupil_state GROUP BY upn
            """,
            // No longer written: the enrolment's copies stay as they were at the upgrade.
            "COMMENT ON COLUMN pupil_state.returned_spells IS 'before migration 9; see pupil_journeys'",
            "COMMENT ON COLUMN pupil_state.penalty_used_sessions IS 'before migration 9; see pupil_journeys'",
            // Who is on each school's roll: a mark for a pupil the school's roster does not list, or outside their
            // admission and leaving dates, is kept but not judged. Profiles stored before have no dates (on roll).
            "ALTER TABLE pupil_profiles ADD COLUMN admitted date, ADD COLUMN left_on date",
        ]),
        // Each offence period's sessions, so that an amendment taking one below the threshold withdraws it.
        // Periods reported before stay in penalty_used_sessions only (they cannot be withdrawn).
        Migration(version: 10, name: "offence periods", statements: [
            "ALTER TABLE pupil_journeys ADD COLUMN penalty_periods bytea NOT NULL DEFAULT '', ADD COLUMN penalty_withdrawals integer NOT NULL DEFAULT 0",
        ]),
    ]
}
