import Storage

/// The forward-only migrations of the `pathway_coordinator` schema. Append; never edit one that has shipped.
enum Migrations {
    static let all: [Migration] = [
        StandardTables.migration,
        StandardTables.fencedOffsetsAndParking(version: 2),
        StandardTables.identityAndAudit(version: 3),
        casesAndEvidence,
        worklistDigests,
    ]

    /// The caseworkers' daily worklist digests already requested (once per officer per day).
    static let worklistDigests = Migration(version: 5, name: "worklist digests", statements: [
        "CREATE TABLE worklist_digests (day date NOT NULL, caseworker text NOT NULL, requested_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (day, caseworker))",
    ])

    /// Cases, their append-only chronology and evidence, checklists, offers, targets, oversight, referrals,
    /// legal interventions, the worklist's tasks, the pupils' roster profiles and the term dates.
    static let casesAndEvidence = Migration(version: 4, name: "cases, chronology, evidence and legal interventions", statements: [
        """
        CREATE TABLE pupils (
            school_urn text NOT NULL,
            upn text NOT NULL,
            forename text NOT NULL,
            surname text NOT NULL,
            date_of_birth text NOT NULL,
            year_group text NOT NULL,
            leaving_date text,
            flags jsonb NOT NULL,
            family_id text,
            parents jsonb NOT NULL DEFAULT '[]',
            updated_at timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (school_urn, upn)
        )
        """,
        "CREATE INDEX pupils_by_upn ON pupils (upn)",
        "CREATE TABLE case_numbers (year integer PRIMARY KEY, last integer NOT NULL)",
        """
        CREATE TABLE cases (
            case_id text PRIMARY KEY,
            upn text NOT NULL,
            school_urn text NOT NULL,
            stage integer NOT NULL CHECK (stage BETWEEN 1 AND 5),
            status text NOT NULL,
            urgency text NOT NULL,
            lead_professional jsonb,
            caseworker text,
            existing_plan text NOT NULL DEFAULT 'none',
            flags jsonb NOT NULL,
            family_id text,
            opened_by text NOT NULL,
            opened_at timestamptz NOT NULL DEFAULT now(),
            closed_at timestamptz,
            closed_reason text,
            latest_figures jsonb,
            severe_absence boolean NOT NULL DEFAULT false,
            stage3_entry_rate double precision,
            stage3_entered_on text,
            no_support_route boolean NOT NULL DEFAULT false,
            approval_lapses_on text,
            updated_at timestamptz NOT NULL DEFAULT now()
        )
        """,
        // One open case per pupil (PATHWAY.md §2.2): a second signal finds the first case.
        "CREATE UNIQUE INDEX cases_one_open_per_pupil ON cases (upn) WHERE status <> 'closed'",
        "CREATE INDEX cases_by_school ON cases (school_urn, stage)",
        """
        CREATE TABLE chronology (
            id bigserial PRIMARY KEY,
            case_id text NOT NULL REFERENCES cases,
            entry_type text NOT NULL,
            summary text NOT NULL,
            outcome text,
            parent_engagement text,
            actor text NOT NULL,
            actor_role text NOT NULL,
            at timestamptz NOT NULL DEFAULT clock_timestamp(),
            corrects bigint REFERENCES chronology,
            evidence text[] NOT NULL DEFAULT '{}',
            source_event uuid,
            details jsonb
        )
        """,
        "CREATE INDEX chronology_by_case ON chronology (case_id, id)",
        // An event (a signal, a delivery) is one entry however often it arrives.
        "CREATE UNIQUE INDEX chronology_once_per_event ON chronology (case_id, source_event) WHERE source_event IS NOT NULL",
        """
        CREATE FUNCTION case_file_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF coalesce(current_setting('attendance.erasure', true), '') <> 'on' THEN
                RAISE EXCEPTION '% rows are never changed or deleted: add a correcting entry', TG_TABLE_NAME;
            END IF;
            RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
        END $$
        """,
        "CREATE TRIGGER chronology_append_only BEFORE UPDATE OR DELETE ON chronology FOR EACH ROW EXECUTE FUNCTION case_file_refuse_change()",
        """
        CREATE TABLE evidence_documents (
            sha256 text NOT NULL,
            case_id text NOT NULL REFERENCES cases,
            name text NOT NULL,
            content_type text NOT NULL,
            content bytea NOT NULL,
            uploaded_by text NOT NULL,
            uploaded_at timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (case_id, sha256)
        )
        """,
        "CREATE TRIGGER evidence_append_only BEFORE UPDATE OR DELETE ON evidence_documents FOR EACH ROW EXECUTE FUNCTION case_file_refuse_change()",
        """
        CREATE TABLE checklist_items (
            case_id text NOT NULL REFERENCES cases,
            stage integer NOT NULL,
            item_key text NOT NULL,
            state text NOT NULL,
            reason text,
            evidence text[] NOT NULL DEFAULT '{}',
            done_by text,
            done_at timestamptz,
            PRIMARY KEY (case_id, stage, item_key)
        )
        """,
        """
        CREATE TABLE support_offers (
            id bigserial PRIMARY KEY,
            case_id text NOT NULL REFERENCES cases,
            what text NOT NULL,
            contact_id text,
            offered_on text NOT NULL,
            offered_by text NOT NULL,
            response text,
            responded_on text
        )
        """,
        """
        CREATE TABLE smart_targets (
            id bigserial PRIMARY KEY,
            case_id text NOT NULL REFERENCES cases,
            owner text NOT NULL,
            description text NOT NULL,
            measure text NOT NULL,
            due text NOT NULL,
            review_result text,
            reviewed_by text,
            source text NOT NULL
        )
        """,
        """
        CREATE TABLE oversight (
            id bigserial PRIMARY KEY,
            case_id text NOT NULL REFERENCES cases,
            approver text NOT NULL,
            decision text NOT NULL,
            rationale text NOT NULL,
            at timestamptz NOT NULL DEFAULT clock_timestamp()
        )
        """,
        """
        CREATE TABLE referrals (
            referral_id text PRIMARY KEY,
            case_id text NOT NULL REFERENCES cases,
            state text NOT NULL,
            requested_by text NOT NULL,
            requested_at timestamptz NOT NULL DEFAULT now(),
            pack jsonb NOT NULL,
            booking jsonb,
            outcome jsonb,
            closed_reason text
        )
        """,
        "CREATE UNIQUE INDEX referrals_one_live_per_case ON referrals (case_id) WHERE state IN ('requested', 'booked')",
        """
        CREATE TABLE legal_interventions (
            id text PRIMARY KEY,
            case_id text NOT NULL REFERENCES cases,
            kind text NOT NULL,
            upn text NOT NULL,
            contact_id text,
            state text NOT NULL,
            issued_on text,
            receipt_on text,
            ends_on text,
            details jsonb NOT NULL DEFAULT '{}',
            created_by text NOT NULL,
            created_at timestamptz NOT NULL DEFAULT now(),
            updated_at timestamptz NOT NULL DEFAULT now()
        )
        """,
        // The penalty-notice limit counts per parent per child, across cases and schools.
        "CREATE INDEX legal_by_parent_and_child ON legal_interventions (contact_id, upn, kind)",
        "CREATE INDEX legal_by_case ON legal_interventions (case_id)",
        """
        CREATE TABLE tasks (
            id bigserial PRIMARY KEY,
            case_id text NOT NULL REFERENCES cases,
            kind text NOT NULL,
            detail text NOT NULL,
            due text NOT NULL,
            created_at timestamptz NOT NULL DEFAULT now(),
            done_at timestamptz,
            done_by text,
            source text NOT NULL
        )
        """,
        // A timer raised by an event is raised once, however often the event arrives.
        "CREATE UNIQUE INDEX tasks_once_per_source ON tasks (case_id, kind, source)",
        "CREATE INDEX tasks_open_by_due ON tasks (due) WHERE done_at IS NULL",
        """
        CREATE TABLE term_dates (
            scope text PRIMARY KEY,
            dates jsonb NOT NULL,
            updated_by text NOT NULL,
            updated_at timestamptz NOT NULL DEFAULT now()
        )
        """,
    ])
}
