import Foundation
import Logging
import PostgresNIO

/// A meeting that is not the panel (shared/PATHWAY.md §3.2): a family meeting about a case (an attendance contract,
/// its review, a pre-court meeting) or a school's termly targeting support meeting. One `UID` for life, a rising
/// `SEQUENCE`, like a panel booking.
struct Meeting: Encodable, Sendable, Equatable {
    enum Kind: String, Codable, Sendable, CaseIterable {
        case contract
        case contractReview = "contract_review"
        case preCourt = "pre_court"
        case tsm

        var isFamilyMeeting: Bool { self != .tsm }

        /// What the meeting is for, in the family's letter and on calendars.
        var purpose: String {
            switch self {
            case .contract: "agree an attendance contract"
            case .contractReview: "review the attendance contract"
            case .preCourt: "talk about the attendance concerns before any court action is decided"
            case .tsm: "targeting support meeting"
            }
        }
    }

    var meetingId: UUID
    var kind: Kind
    var caseId: String?
    /// The pupil, for the family's letters and the access audit; not shown in the API or on calendars.
    var upn: String?
    var schoolUrn: String
    var roundId: String?
    var startsAt: Date
    var endsAt: Date
    var sequence: Int
    /// `invited`, `attended`, `did_not_attend`, `cancelled`.
    var status: String
    /// The LA officer who arranged it (the family's contact; the TSM's single point of contact).
    var organiser: String
    /// LA and school staff invited (subjects or email addresses).
    var staff: [String]
    var interpreterLanguage: String?
    var familyMoves: Int
    /// The meeting this one was arranged after (a re-invitation after a missed meeting).
    var follows: UUID?

    var uid: String { "meeting-\(meetingId.uuidString.lowercased())" }

    enum CodingKeys: String, CodingKey {
        case meetingId, kind, caseId, schoolUrn, roundId, startsAt, endsAt, sequence, status, organiser, staff, interpreterLanguage, familyMoves, follows
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(meetingId.uuidString.lowercased(), forKey: .meetingId)
        try container.encode(kind, forKey: .kind)
        try container.encodeIfPresent(caseId, forKey: .caseId)
        try container.encode(schoolUrn, forKey: .schoolUrn)
        try container.encodeIfPresent(roundId, forKey: .roundId)
        try container.encode(startsAt, forKey: .startsAt)
        try container.encode(endsAt, forKey: .endsAt)
        try container.encode(sequence, forKey: .sequence)
        try container.encode(status, forKey: .status)
        try container.encode(organiser, forKey: .organiser)
        try container.encode(staff, forKey: .staff)
        try container.encodeIfPresent(interpreterLanguage, forKey: .interpreterLanguage)
        try container.encode(familyMoves, forKey: .familyMoves)
        try container.encodeIfPresent(follows?.uuidString.lowercased(), forKey: .follows)
    }
}

/// Reading meetings back.
enum MeetingStore {
    static let select = """
        SELECT meeting_id, kind, case_id, upn, school_urn, round_id, starts_at, ends_at, sequence, status, organiser, staff, interpreter_language, family_moves, follows
        FROM meetings
        """

    static func find(where condition: String, _ binds: PostgresBindings, on connection: PostgresConnection, logger: Logger) async throws -> [Meeting] {
        let rows = try await connection.query(PostgresQuery(unsafeSQL: select + " WHERE " + condition + " ORDER BY starts_at, meeting_id", binds: binds), logger: logger)
        var found: [Meeting] = []
        for try await row in rows.decode((UUID, String, String?, String?, String, String?, Date, Date, Int, String, String, [String], String?, Int, UUID?).self) {
            found.append(Meeting(meetingId: row.0, kind: Meeting.Kind(rawValue: row.1) ?? .contract, caseId: row.2, upn: row.3, schoolUrn: row.4, roundId: row.5,
                                 startsAt: row.6, endsAt: row.7, sequence: row.8, status: row.9, organiser: row.10, staff: row.11,
                                 interpreterLanguage: row.12, familyMoves: row.13, follows: row.14))
        }
        return found
    }

    static func one(_ id: UUID, forUpdate: Bool = false, on connection: PostgresConnection, logger: Logger) async throws -> Meeting? {
        if forUpdate { try await connection.query("SELECT 1 FROM meetings WHERE meeting_id = \(id) FOR UPDATE", logger: logger) }
        var binds = PostgresBindings()
        binds.append(id)
        return try await find(where: "meeting_id = $1", binds, on: connection, logger: logger).first
    }

    /// The case's family meetings the family has missed.
    static func missed(case caseID: String, on connection: PostgresConnection, logger: Logger) async throws -> Int {
        let rows = try await connection.query("SELECT count(*)::int FROM meetings WHERE case_id = \(caseID) AND status = 'did_not_attend'", logger: logger)
        var count = 0
        for try await value in rows.decode(Int.self) { count = value }
        return count
    }
}
