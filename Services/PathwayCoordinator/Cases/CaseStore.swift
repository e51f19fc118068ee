import AttendanceDomain
import Events
import Foundation
import Logging
import PostgresNIO

/// The `cases` table. Every call takes the caller's connection, so it joins the caller's transaction.
enum CaseStore {
    /// A case as JSON, decoded into ``PathwayCase`` (one shape for every query).
    static let caseJSON = """
        jsonb_build_object(
            'caseId', case_id, 'upn', upn, 'schoolUrn', school_urn, 'stage', stage, 'status', status, 'urgency', urgency,
            'leadProfessional', lead_professional, 'caseworker', caseworker, 'existingPlan', existing_plan, 'flags', flags,
            'familyId', family_id, 'openedBy', opened_by, 'openedAt', \(utc("opened_at")), 'closedAt', \(utc("closed_at")),
            'closedReason', closed_reason, 'latestFigures', latest_figures, 'severeAbsence', severe_absence,
            'stage3EntryRate', stage3_entry_rate, 'stage3EnteredOn', stage3_entered_on, 'noSupportRoute', no_support_route, 'approvalLapsesOn', approval_lapses_on
        )::text
        """

    static func utc(_ column: String) -> String { "to_char(\(column) AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')" }

    static func decode(_ text: String) throws -> PathwayCase {
        try EventCoding.decoder().decode(PathwayCase.self, from: Data(text.utf8))
    }

    /// The case, locked for the rest of the transaction when `forUpdate`.
    static func load(_ caseID: String, forUpdate: Bool = false, on connection: PostgresConnection, logger: Logger) async throws -> PathwayCase? {
        let lock = forUpdate ? " FOR UPDATE" : ""
        let rows = try await connection.query(PostgresQuery(unsafeSQL: "SELECT \(caseJSON) FROM cases WHERE case_id = $1\(lock)", binds: binds(caseID)), logger: logger)
        for try await text in rows.decode(String.self) { return try decode(text) }
        return nil
    }

    /// The pupil's open case, locked.
    static func openCase(upn: String, on connection: PostgresConnection, logger: Logger) async throws -> PathwayCase? {
        let rows = try await connection.query(PostgresQuery(unsafeSQL: "SELECT \(caseJSON) FROM cases WHERE upn = $1 AND status <> 'closed' FOR UPDATE", binds: binds(upn)), logger: logger)
        for try await text in rows.decode(String.self) { return try decode(text) }
        return nil
    }

    /// The open cases of these pupils, locked, by UPN.
    static func openCases(upns: [String], on connection: PostgresConnection, logger: Logger) async throws -> [String: PathwayCase] {
        let rows = try await connection.query(PostgresQuery(unsafeSQL: "SELECT \(caseJSON) FROM cases WHERE upn = ANY($1) AND status <> 'closed' FOR UPDATE",
                                                            binds: binds(upns)), logger: logger)
        var cases: [String: PathwayCase] = [:]
        for try await text in rows.decode(String.self) {
            let found = try decode(text)
            cases[found.upn] = found
        }
        return cases
    }

    static func list(where condition: String, binds values: PostgresBindings, limit: Int, on client: PostgresClient, logger: Logger) async throws -> [PathwayCase] {
        let rows = try await client.query(PostgresQuery(unsafeSQL: "SELECT \(caseJSON) FROM cases WHERE \(condition) ORDER BY opened_at DESC, case_id LIMIT \(limit)", binds: values), logger: logger)
        var cases: [PathwayCase] = []
        for try await text in rows.decode(String.self) { cases.append(try decode(text)) }
        return cases
    }

    /// `AP-2026-0153`: numbered within the calendar year the case opened, without gaps that matter.
    static func nextCaseID(year: Int, on connection: PostgresConnection, logger: Logger) async throws -> String {
        let rows = try await connection.query("""
            INSERT INTO case_numbers (year, last) VALUES (\(year), 1)
            ON CONFLICT (year) DO UPDATE SET last = case_numbers.last + 1 RETURNING last
            """, logger: logger)
        var number = 1
        for try await value in rows.decode(Int.self) { number = value }
        let digits = String(number)
        return "AP-\(year)-" + String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }

    static func insert(_ pathwayCase: PathwayCase, on connection: PostgresConnection, logger: Logger) async throws {
        let flags = try json(pathwayCase.flags), lead = try pathwayCase.leadProfessional.map(json), figures = try pathwayCase.latestFigures.map(json)
        try await connection.query("""
            INSERT INTO cases (case_id, upn, school_urn, stage, status, urgency, lead_professional, caseworker, existing_plan, flags, family_id,
                               opened_by, latest_figures, severe_absence, stage3_entry_rate, stage3_entered_on, no_support_route, approval_lapses_on)
            VALUES (\(pathwayCase.caseId), \(pathwayCase.upn), \(pathwayCase.schoolUrn), \(pathwayCase.stage), \(pathwayCase.status.rawValue),
                    \(pathwayCase.urgency.rawValue), \(lead)::jsonb, \(pathwayCase.caseworker), \(pathwayCase.existingPlan), \(flags)::jsonb,
                    \(pathwayCase.familyId), \(pathwayCase.openedBy), \(figures)::jsonb, \(pathwayCase.severeAbsence), \(pathwayCase.stage3EntryRate),
                    \(pathwayCase.stage3EnteredOn), \(pathwayCase.noSupportRoute), \(pathwayCase.approvalLapsesOn))
            """, logger: logger)
    }

    /// Writes back what a move or an event changed.
    static func update(_ pathwayCase: PathwayCase, on connection: PostgresConnection, logger: Logger) async throws {
        let flags = try json(pathwayCase.flags), lead = try pathwayCase.leadProfessional.map(json), figures = try pathwayCase.latestFigures.map(json)
        try await connection.query("""
            UPDATE cases SET school_urn = \(pathwayCase.schoolUrn), stage = \(pathwayCase.stage), status = \(pathwayCase.status.rawValue),
                urgency = \(pathwayCase.urgency.rawValue), lead_professional = \(lead)::jsonb, caseworker = \(pathwayCase.caseworker),
                existing_plan = \(pathwayCase.existingPlan), flags = \(flags)::jsonb, family_id = \(pathwayCase.familyId),
                closed_at = CASE WHEN \(pathwayCase.status.rawValue) = 'closed' THEN coalesce(closed_at, now()) ELSE NULL END,
                closed_reason = \(pathwayCase.closedReason), latest_figures = \(figures)::jsonb, severe_absence = \(pathwayCase.severeAbsence),
                stage3_entry_rate = \(pathwayCase.stage3EntryRate), stage3_entered_on = \(pathwayCase.stage3EnteredOn), no_support_route = \(pathwayCase.noSupportRoute),
                approval_lapses_on = \(pathwayCase.approvalLapsesOn), updated_at = now()
            WHERE case_id = \(pathwayCase.caseId)
            """, logger: logger)
    }

    /// The pupil's case closed most recently within `months`: reopened rather than started again.
    static func recentlyClosed(upn: String, months: Int, on connection: PostgresConnection, logger: Logger) async throws -> PathwayCase? {
        let rows = try await connection.query(PostgresQuery(unsafeSQL: """
            SELECT \(caseJSON) FROM cases WHERE upn = $1 AND status = 'closed' AND closed_at > now() - make_interval(months => $2::int)
            ORDER BY closed_at DESC LIMIT 1 FOR UPDATE
            """, binds: binds(upn, months)), logger: logger)
        for try await text in rows.decode(String.self) { return try decode(text) }
        return nil
    }

    static func json(_ value: some Encodable) throws -> String { String(decoding: try EventCoding.encoder().encode(value), as: UTF8.self) }

    static func binds(_ values: any PostgresEncodable & Sendable...) -> PostgresBindings {
        var bindings = PostgresBindings()
        for value in values { try! bindings.append(value) }  // text and integers always encode
        return bindings
    }
}
