import AttendanceDomain
import Events
import Foundation
import Logging
import PostgresNIO

/// The written answers seeds/001 asks before a referral to enforcement.
struct ReferralAnswers: Codable, Sendable, Equatable {
    /// Is prosecution, and any resulting legal action, appropriate to the family's circumstances?
    var fitsFamilyCircumstances: String
    /// Is a legal enforcement route in the best interests of the child?
    var bestInterestsOfChild: String
    /// Will legal action improve attendance and access to education?
    var willImproveAttendance: String
}

/// What the panel reads (shared/PATHWAY.md §2.6): the case as it was at referral. It stays in the coordinator;
/// the meeting request carries only what a booking needs.
struct PanelPack: Codable, Sendable, Equatable {
    struct Child: Codable, Sendable, Equatable {
        var upn: String
        var forename: String
        var surname: String
        var dateOfBirth: String
        var schoolUrn: String
        var flags: PupilProfile.Flags
    }

    struct Offer: Codable, Sendable, Equatable {
        var id: Int64?
        var what: String
        var contactId: String?
        var offeredOn: String
        var response: String?
        var respondedOn: String?
    }

    struct Target: Codable, Sendable, Equatable {
        var id: Int64?
        var owner: String
        var description: String
        var measure: String
        var due: String
        var reviewResult: String?
    }

    struct Oversight: Codable, Sendable, Equatable {
        var approver: String
        var decision: String
        var rationale: String
    }

    var caseId: String
    var referralId: String
    var preparedAt: Date
    var child: Child
    /// Stage, status, lead professional, caseworker, plan.
    var overview: PathwayCase
    /// What the detector flagged, in its own words.
    var presentingConcerns: [String]
    /// The chronology's calls, letters, visits, meetings, referrals and reviews.
    var interventionsTried: [ChronologyEntry]
    var supportOffers: [Offer]
    var targets: [Target]
    /// The figures at referral: later marks do not change them.
    var figures: AttendanceSignal.Figures?
    /// The signals behind the case, with their sessions.
    var signalEvidence: [AttendanceSignal]
    var oversight: Oversight?
    var answers: ReferralAnswers
    /// Evidence documents: name and SHA-256.
    var evidence: [[String: String]]
}

enum Referrals {
    static let interventionKinds = ["call", "letter", "visit", "meeting", "service_referral", "plan_review", "voice_of_the_child",
                                    "social_worker_consulted", "senco_consulted", "note"]

    /// Builds the pack from the case as it is now.
    static func pack(for pathwayCase: PathwayCase, pupil: Pupils.Stored, referralID: String, answers: ReferralAnswers,
                     on connection: PostgresConnection, logger: Logger) async throws -> PanelPack {
        let decoder = EventCoding.decoder()
        var concerns: [String] = [], signals: [AttendanceSignal] = [], tried: [ChronologyEntry] = []
        let entries = try await connection.query("""
            SELECT id, entry_type, summary, outcome, parent_engagement, actor, actor_role, at, corrects, evidence, coalesce(details::text, '')
            FROM chronology WHERE case_id = \(pathwayCase.caseId) ORDER BY id
            """, logger: logger)
        for try await row in entries.decode((Int64, String, String, String?, String?, String, String, Date, Int64?, [String], String).self) {
            if !row.10.isEmpty, let signal = try? decoder.decode(AttendanceSignal.self, from: Data(row.10.utf8)), signal.upn == pathwayCase.upn {
                signals.append(signal)
                concerns.append("\(signal.kind.rawValue) (\(signal.asOf)): \(signal.reason)")
            }
            if interventionKinds.contains(row.1) {
                tried.append(ChronologyEntry(id: row.0, type: row.1, summary: row.2, outcome: row.3, parentEngagement: row.4, actor: row.5,
                                             actorRole: row.6, at: row.7, corrects: row.8, evidence: row.9))
            }
        }
        var offers: [PanelPack.Offer] = []
        let offerRows = try await connection.query("""
            SELECT id, what, contact_id, offered_on, response, responded_on FROM support_offers WHERE case_id = \(pathwayCase.caseId) ORDER BY id
            """, logger: logger)
        for try await row in offerRows.decode((Int64, String, String?, String, String?, String?).self) {
            offers.append(.init(id: row.0, what: row.1, contactId: row.2, offeredOn: row.3, response: row.4, respondedOn: row.5))
        }
        var targets: [PanelPack.Target] = []
        let targetRows = try await connection.query("""
            SELECT id, owner, description, measure, due, review_result FROM smart_targets WHERE case_id = \(pathwayCase.caseId) ORDER BY id
            """, logger: logger)
        for try await row in targetRows.decode((Int64, String, String, String, String, String?).self) {
            targets.append(.init(id: row.0, owner: row.1, description: row.2, measure: row.3, due: row.4, reviewResult: row.5))
        }
        var oversight: PanelPack.Oversight?
        let oversightRows = try await connection.query("""
            SELECT approver, decision, rationale FROM oversight WHERE case_id = \(pathwayCase.caseId) ORDER BY id DESC LIMIT 1
            """, logger: logger)
        for try await row in oversightRows.decode((String, String, String).self) { oversight = .init(approver: row.0, decision: row.1, rationale: row.2) }
        var evidence: [[String: String]] = []
        let documents = try await connection.query("SELECT name, sha256 FROM evidence_documents WHERE case_id = \(pathwayCase.caseId) ORDER BY uploaded_at", logger: logger)
        for try await (name, sha) in documents.decode((String, String).self) { evidence.append(["name": name, "sha256": sha]) }
        let profile = pupil.profile
        return PanelPack(
            caseId: pathwayCase.caseId, referralId: referralID, preparedAt: Date(),
            child: .init(upn: profile.upn, forename: profile.forename, surname: profile.surname, dateOfBirth: profile.dateOfBirth,
                         schoolUrn: profile.schoolUrn, flags: profile.flags),
            overview: pathwayCase, presentingConcerns: concerns, interventionsTried: tried, supportOffers: offers, targets: targets,
            figures: pathwayCase.latestFigures, signalEvidence: signals, oversight: oversight, answers: answers, evidence: evidence)
    }

    /// The meeting request a referral sent, to send again (a deferred case).
    static func request(for referralID: String, on connection: PostgresConnection, logger: Logger) async throws -> MeetingRequested? {
        let rows = try await connection.query("SELECT (pack->'request')::text FROM referrals WHERE referral_id = \(referralID)", logger: logger)
        for try await text in rows.decode(String?.self) {
            guard let text else { return nil }
            return try EventCoding.decoder().decode(MeetingRequested.self, from: Data(text.utf8))
        }
        return nil
    }
}
