import AttendanceDomain
import Events
import Foundation
import Logging
import PostgresNIO

/// A legal intervention as the API shows it (one row of `legal_interventions`).
struct LegalIntervention: Codable, Sendable, Equatable {
    var id: String
    var caseId: String
    /// `notice_to_improve`, `penalty_notice`, `eso_consideration`, `prosecution`.
    var kind: String
    var upn: String
    var contactId: String?
    var state: String
    var issuedOn: String?
    var receiptOn: String?
    var endsOn: String?
    var details: [String: JSONValue]
}

/// A JSON value of an intervention's details.
enum JSONValue: Codable, Sendable, Equatable {
    case string(String), number(Double), bool(Bool), null

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() { self = .null } else if let value = try? container.decode(Bool.self) { self = .bool(value) }
        else if let value = try? container.decode(Double.self) { self = .number(value) } else { self = .string(try container.decode(String.self)) }
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .string(let value): try container.encode(value)
        case .number(let value): try container.encode(value)
        case .bool(let value): try container.encode(value)
        case .null: try container.encodeNil()
        }
    }

    var string: String? { if case .string(let value) = self { value } else { nil } }
}

enum LegalStore {
    /// States in which an intervention is still running: a case with one is not closed, and a child who
    /// becomes looked after has them suspended.
    static let openStates: Set<String> = ["active", "issued", "preparing", "meeting_booked", "signed", "under_review"]

    static let json = """
        jsonb_build_object('id', id, 'caseId', case_id, 'kind', kind, 'upn', upn, 'contactId', contact_id, 'state', state, 'issuedOn', issued_on,
                           'receiptOn', receipt_on, 'endsOn', ends_on, 'details', details)::text
        """

    static func insert(_ intervention: LegalIntervention, by subject: String, on connection: PostgresConnection, logger: Logger) async throws {
        let details = try CaseStore.json(intervention.details)
        try await connection.query("""
            INSERT INTO legal_interventions (id, case_id, kind, upn, contact_id, state, issued_on, receipt_on, ends_on, details, created_by)
            VALUES (\(intervention.id), \(intervention.caseId), \(intervention.kind), \(intervention.upn), \(intervention.contactId), \(intervention.state),
                    \(intervention.issuedOn), \(intervention.receiptOn), \(intervention.endsOn), \(details)::jsonb, \(subject))
            """, logger: logger)
    }

    static func setState(_ id: String, _ state: String, details: [String: JSONValue] = [:], on connection: PostgresConnection, logger: Logger) async throws {
        let merge = try CaseStore.json(details)
        try await connection.query("""
            UPDATE legal_interventions SET state = \(state), details = details || \(merge)::jsonb, updated_at = now() WHERE id = \(id)
            """, logger: logger)
    }

    static func find(where condition: String, _ binds: PostgresBindings, on connection: PostgresConnection, logger: Logger) async throws -> [LegalIntervention] {
        let rows = try await connection.query(PostgresQuery(unsafeSQL: "SELECT \(json) FROM legal_interventions WHERE \(condition) ORDER BY created_at, id", binds: binds), logger: logger)
        var found: [LegalIntervention] = []
        for try await text in rows.decode(String.self) { found.append(try EventCoding.decoder().decode(LegalIntervention.self, from: Data(text.utf8))) }
        return found
    }

    static func forCase(_ caseID: String, on connection: PostgresConnection, logger: Logger) async throws -> [LegalIntervention] {
        try await find(where: "case_id = $1", CaseStore.binds(caseID), on: connection, logger: logger)
    }

    /// The parent's penalty notices for this child (any case, any school) issued within the limit's window, not withdrawn.
    static func countingNotices(contactID: String, upn: String, window: ClosedRange<SchoolDate>, on connection: PostgresConnection, logger: Logger) async throws -> Int {
        let rows = try await connection.query("""
            SELECT count(*) FROM legal_interventions
            WHERE kind = 'penalty_notice' AND contact_id = \(contactID) AND upn = \(upn) AND state <> 'withdrawn'
              AND issued_on >= \(window.lowerBound.iso) AND issued_on <= \(window.upperBound.iso)
            """, logger: logger)
        for try await count in rows.decode(Int.self) { return count }
        return 0
    }

    /// Numbers interventions: `PN-AP-2026-0001-1`.
    static func nextID(prefix: String, caseID: String, on connection: PostgresConnection, logger: Logger) async throws -> String {
        let rows = try await connection.query("SELECT count(*) FROM legal_interventions WHERE case_id = \(caseID) AND id LIKE \(prefix + "-%")", logger: logger)
        var count = 0
        for try await value in rows.decode(Int.self) { count = value }
        return "\(prefix)-\(caseID)-\(count + 1)"
    }
}

/// The detector's answers to the coordinator's watches: a Notice to Improve breached, complied with or not.
enum Watches {
    static func answer(_ watchID: String, signal: AttendanceSignal, eventID: UUID, on connection: PostgresConnection, logger: Logger) async throws {
        let watched = try await LegalStore.find(where: "details->>'watchId' = $1", CaseStore.binds(watchID), on: connection, logger: logger)
        guard let caseID = watched.first?.caseId else { return }
        if watched.first?.kind == "attendance_contract" {
            return try await answerContract(watched, caseID: caseID, signal: signal, eventID: eventID, on: connection, logger: logger)
        }
        let notices = watched.filter { ["active", "breached"].contains($0.state) }
        guard !notices.isEmpty else { return }
        switch signal.kind {
        case .watchBreached:
            for notice in notices where notice.state == "active" {
                try await LegalStore.setState(notice.id, "breached", details: ["breachedBy": .string(signal.sessions.first.map { "\($0.date) \($0.session) \($0.code)" } ?? signal.asOf)],
                                              on: connection, logger: logger)
            }
            let session = signal.sessions.first.map { "\($0.date) \($0.session) coded \($0.code)" } ?? signal.asOf
            try await Tasks.raise(caseID, kind: "consider_early_notice", detail: "Notice to Improve breached (\(session)): consider an early penalty notice; tell the parent first",
                                  due: String(signal.asOf.prefix(10)), source: eventID.uuidString, on: connection, logger: logger)
            try await Chronology.append(caseID, type: "legal", summary: "Notice to Improve breached: \(session)", by: .system, sourceEvent: eventID,
                                        details: try CaseStore.json(signal), on: connection, logger: logger)
        case .watchEnded:
            let met = signal.watchMet ?? false
            for notice in notices where notice.state == "active" {
                try await LegalStore.setState(notice.id, met ? "complied" : "expired_not_improved", on: connection, logger: logger)
            }
            try await Chronology.append(caseID, type: "legal", summary: "Notice to Improve period ended: \(met ? "complied" : "not improved") (\(signal.reason))",
                                        by: .system, sourceEvent: eventID, details: try CaseStore.json(signal), on: connection, logger: logger)
        default:
            return
        }
    }

    /// A contract's watch: a breach asks for an early review; the end of the period asks for the review.
    static func answerContract(_ contracts: [LegalIntervention], caseID: String, signal: AttendanceSignal, eventID: UUID,
                               on connection: PostgresConnection, logger: Logger) async throws {
        let signed = contracts.filter { $0.state == "signed" }
        guard !signed.isEmpty else { return }
        let breached = signal.kind == .watchBreached
        let summary = breached
            ? "Attendance contract not kept: \(signal.sessions.first.map { "\($0.date) \($0.session) coded \($0.code)" } ?? signal.asOf); review it early"
            : "Attendance contract's review period ended: \(signal.watchMet == true ? "kept" : "not kept") (\(signal.reason))"
        for contract in signed { try await LegalStore.setState(contract.id, "under_review", on: connection, logger: logger) }
        try await Tasks.raise(caseID, kind: "contract_review", detail: summary, due: String(signal.asOf.prefix(10)), source: eventID.uuidString, on: connection, logger: logger)
        try await Chronology.append(caseID, type: "legal", summary: summary, by: .system, sourceEvent: eventID, details: try CaseStore.json(signal),
                                    on: connection, logger: logger)
    }
}
