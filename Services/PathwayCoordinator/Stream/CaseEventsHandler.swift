import AttendanceDomain
import Events
import Foundation
import Logging
import Messaging
import PostgresNIO
import ServiceRuntime

/// Consumes what other services say about cases (keyed by case id): bookings and returns on
/// `meetings.booked`, the panel's outcomes on `meetings.outcomes` (§2.6) and message statuses on
/// `notification.deliveries`, which go into the chronology as evidence.
struct CaseEventsHandler: BatchHandler {
    let settings: PathwaySettings

    func apply(_ messages: [KafkaMessage], in batch: inout ConsumedBatch, on connection: PostgresConnection) async throws {
        for message in messages {
            let kind: (type: String, id: UUID)
            do { kind = try EventCodec.kind(of: message.value) } catch {
                batch.deadLetter(message, reason: "unreadable \(message.topic) event: \(error)")
                continue
            }
            do {
                switch kind.type {
                case MeetingBookingChanged.booked, MeetingBookingChanged.moved, MeetingBookingChanged.cancelled:
                    try await booking(try EventCodec.decode(MeetingBookingChanged.self, from: message.value).data, type: kind.type, eventID: kind.id,
                                      on: connection, logger: batch.logger)
                case FamilyMeetingChanged.type:
                    try await familyMeeting(try EventCodec.decode(FamilyMeetingChanged.self, from: message.value).data, eventID: kind.id,
                                            on: connection, logger: batch.logger)
                case MeetingRequestReturned.type:
                    try await returned(try EventCodec.decode(MeetingRequestReturned.self, from: message.value).data, eventID: kind.id, on: connection, logger: batch.logger)
                case MeetingOutcomeRecorded.type:
                    let outcome = try EventCodec.decode(MeetingOutcomeRecorded.self, from: message.value).data
                    try await PanelOutcome(settings: settings, outcome: outcome, eventID: kind.id, connection: connection, logger: batch.logger).apply()
                case NotificationDelivery.type:
                    try await delivery(try EventCodec.decode(NotificationDelivery.self, from: message.value).data, eventID: kind.id, on: connection, logger: batch.logger)
                default:
                    batch.logger.debug("event of another type ignored", metadata: ["type": "\(kind.type)"])
                }
            } catch let error as EventDecodingError {
                batch.deadLetter(message, reason: "unreadable \(kind.type) event: \(error)")
            }
        }
    }

    func booking(_ change: MeetingBookingChanged, type: String, eventID: UUID, on connection: PostgresConnection, logger: Logger) async throws {
        guard var pathwayCase = try await CaseStore.load(change.caseId, forUpdate: true, on: connection, logger: logger) else { return }
        let cancelled = type == MeetingBookingChanged.cancelled
        let booking = try CaseStore.json(change)
        let rows = try await connection.query("""
            UPDATE referrals SET booking = CASE WHEN \(cancelled) THEN NULL ELSE \(booking)::jsonb END,
                                 state = CASE WHEN \(cancelled) THEN 'requested' ELSE 'booked' END
            WHERE referral_id = \(change.referralId) AND state IN ('requested', 'booked') RETURNING referral_id
            """, logger: logger)
        var live = false
        for try await _ in rows.decode(String.self) { live = true }
        // A booking for a referral no longer live (withdrawn, returned) changes nothing.
        guard live else { return }
        let verb = type == MeetingBookingChanged.booked ? "booked" : type == MeetingBookingChanged.moved ? "moved" : "cancelled"
        try await Chronology.append(change.caseId, type: "meeting", summary: "AttendancePathway meeting \(verb): \(change.startsAt)\(change.reason.map { " (\($0))" } ?? "")",
                                    by: .system, sourceEvent: eventID, on: connection, logger: logger)
        if !cancelled, pathwayCase.status == .active {
            pathwayCase.status = .awaitingMeeting
            try await CaseStore.update(pathwayCase, on: connection, logger: logger)
        }
    }

    /// A family meeting in the chronology; a missed one is the family's non-engagement (shared/PATHWAY.md §3.2).
    func familyMeeting(_ change: FamilyMeetingChanged, eventID: UUID, on connection: PostgresConnection, logger: Logger) async throws {
        guard let pathwayCase = try await CaseStore.load(change.caseId, on: connection, logger: logger) else { return }
        // Arranged for another pupil or school than the case's: not this case's record.
        guard pathwayCase.upn == change.upn, pathwayCase.schoolUrn == change.schoolUrn else {
            logger.warning("a family meeting for another pupil or school than its case's: not recorded", metadata: ["case": "\(change.caseId)", "meeting": "\(change.meetingId)"])
            return
        }
        let what = change.kind.replacingOccurrences(of: "_", with: " ")
        let summary: String, engagement: String?
        switch change.change {
        case .invited: (summary, engagement) = ("Family meeting (\(what)) arranged for \(change.startsAt); each parent invited", nil)
        case .moved: (summary, engagement) = ("Family meeting (\(what)) moved to \(change.startsAt)\(change.reason.map { ": \($0)" } ?? "")", nil)
        case .cancelled: (summary, engagement) = ("Family meeting (\(what)) of \(change.startsAt) cancelled\(change.reason.map { ": \($0)" } ?? "")", nil)
        case .attended: (summary, engagement) = ("The family attended the meeting (\(what)) of \(change.startsAt)", "engaged")
        case .didNotAttend:
            (summary, engagement) = (change.missed >= 2
                ? "The family did not attend the meeting (\(what)) of \(change.startsAt): \(change.missed) missed; \"failed to attend\" letter sent"
                : "The family did not attend the meeting (\(what)) of \(change.startsAt): non-engagement recorded; to be re-invited", "no_response")
        }
        try await Chronology.append(change.caseId, type: "meeting", summary: summary, by: .system, outcome: change.change.rawValue, parentEngagement: engagement,
                                    sourceEvent: eventID, on: connection, logger: logger)
    }

    func returned(_ returned: MeetingRequestReturned, eventID: UUID, on connection: PostgresConnection, logger: Logger) async throws {
        guard var pathwayCase = try await CaseStore.load(returned.caseId, forUpdate: true, on: connection, logger: logger) else { return }
        try await connection.query("""
            UPDATE referrals SET state = 'returned', closed_reason = \(returned.reasons.joined(separator: "; "))
            WHERE referral_id = \(returned.referralId) AND state IN ('requested', 'booked')
            """, logger: logger)
        if pathwayCase.status == .awaitingMeeting {
            pathwayCase.status = .active
            pathwayCase.stage = PathwayStage.formaliseSupport.rawValue
            try await CaseStore.update(pathwayCase, on: connection, logger: logger)
        }
        try await Chronology.append(returned.caseId, type: "referral", summary: "Referral returned by the panel: \(returned.reasons.joined(separator: "; "))",
                                    by: .system, sourceEvent: eventID, on: connection, logger: logger)
    }

    func delivery(_ delivery: NotificationDelivery, eventID: UUID, on connection: PostgresConnection, logger: Logger) async throws {
        guard try await CaseStore.load(delivery.caseId, on: connection, logger: logger) != nil else { return }
        let to = delivery.contactId.map { " to parent \($0)" } ?? ""
        try await Chronology.append(delivery.caseId, type: "message", summary: "\(delivery.templateKey) by \(delivery.channel)\(to): \(delivery.status) at \(delivery.at)",
                                    by: .system, outcome: delivery.status, sourceEvent: eventID, details: try CaseStore.json(delivery),
                                    on: connection, logger: logger)
    }
}

/// The panel's outcome applied to the case (shared/PATHWAY.md §2.6).
struct PanelOutcome {
    let settings: PathwaySettings
    let outcome: MeetingOutcomeRecorded
    let eventID: UUID
    let connection: PostgresConnection
    let logger: Logger

    func apply() async throws {
        guard var pathwayCase = try await CaseStore.load(outcome.caseId, forUpdate: true, on: connection, logger: logger) else { return }
        let rows = try await connection.query("""
            UPDATE referrals SET state = 'heard', outcome = \(try CaseStore.json(outcome))::jsonb
            WHERE referral_id = \(outcome.referralId) AND state IN ('requested', 'booked') RETURNING referral_id
            """, logger: logger)
        var live = false
        for try await _ in rows.decode(String.self) { live = true }
        guard live else {
            // A withdrawn referral (the child became looked after) is not reopened by a late outcome.
            try await Chronology.append(outcome.caseId, type: "outcome", summary: "Outcome \(outcome.outcome.rawValue) for referral \(outcome.referralId) not applied: the referral is no longer live",
                                        by: .system, sourceEvent: eventID, on: connection, logger: logger)
            return
        }
        let chair = CaseActor(subject: outcome.chair, role: "panel_chair")
        switch outcome.outcome {
        case .approveEnforcementReferral:
            pathwayCase.stage = PathwayStage.enforcementReferral.rawValue
            pathwayCase.status = .enforcementApproved
            pathwayCase.approvalLapsesOn = SchoolDate.today.adding(days: 7 * settings.approvalWeeks).iso
        case .furtherRecommendations:
            pathwayCase.stage = PathwayStage.formaliseSupport.rawValue
            pathwayCase.status = .active
            for recommendation in outcome.recommendations {
                try await connection.query("""
                    INSERT INTO smart_targets (case_id, owner, description, measure, due, source)
                    VALUES (\(pathwayCase.caseId), \(recommendation.owner), \(recommendation.text), 'reviewed at the plan review', \(recommendation.due), \("panel " + outcome.referralId))
                    """, logger: logger)
            }
            if let review = outcome.reviewDate {
                try await Tasks.raise(pathwayCase.caseId, kind: "plan_review", detail: "Review the panel's further recommendations", due: review,
                                      source: eventID.uuidString, on: connection, logger: logger)
            }
        case .escalateWiderServices:
            pathwayCase.stage = PathwayStage.formaliseSupport.rawValue
            pathwayCase.status = .active
            try await Tasks.raise(pathwayCase.caseId, kind: "escalate_wider_services", detail: "Escalate within early help, child in need or child protection",
                                  due: SchoolDate.today.adding(days: 7).iso, source: eventID.uuidString,
                                  on: connection, logger: logger)
        case .deferred:
            pathwayCase.status = .awaitingMeeting
            // Asked again at once, at the top of the next session's queue.
            try await connection.query("UPDATE referrals SET state = 'requested', outcome = NULL, booking = NULL WHERE referral_id = \(outcome.referralId)", logger: logger)
            if let request = try await Referrals.request(for: outcome.referralId, on: connection, logger: logger) {
                var again = request
                again.topPriority = true
                try await Outgoing.send([try Outgoing.meetingRequested(again)], on: connection, logger: logger)
            }
        }
        try await CaseStore.update(pathwayCase, on: connection, logger: logger)
        try await Chronology.append(pathwayCase.caseId, type: "outcome", summary: "AttendancePathway meeting outcome: \(outcome.outcome.rawValue). \(outcome.rationale)",
                                    by: chair, outcome: outcome.outcome.rawValue, sourceEvent: eventID, on: connection, logger: logger)
    }
}
