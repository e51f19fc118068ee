import AttendanceDomain
import Events
import Foundation
import Logging
import Messaging
import PostgresNIO
import ServiceRuntime
import Storage

/// Consumes `pupils.profiles`: keeps the roster's profiles (what a referral carries, what the gates read)
/// and keeps open cases' flags up to date; a child who becomes looked after goes to social care (§2.4).
struct ProfilesHandler: BatchHandler {
    func apply(_ messages: [KafkaMessage], in batch: inout ConsumedBatch, on connection: PostgresConnection) async throws {
        for message in messages {
            let envelope: EventEnvelope<PupilProfilesUpdated>
            do { envelope = try EventCodec.decode(PupilProfilesUpdated.self, from: message.value) } catch {
                batch.deadLetter(message, reason: "unreadable pupils.profiles event: \(error)")
                continue
            }
            guard envelope.type == PupilProfilesUpdated.type else { continue }
            let before = try await Pupils.upsert(envelope.data.pupils, on: connection, logger: batch.logger)
            // Most pupils on a roster have no case: one query finds those that do.
            let open = try await CaseStore.openCases(upns: envelope.data.pupils.map(\.upn), on: connection, logger: batch.logger)
            for profile in envelope.data.pupils {
                guard var open = open[profile.upn], open.schoolUrn == profile.schoolUrn else { continue }
                let wasLookedAfter = before["\(profile.schoolUrn)|\(profile.upn)"]?.childLookedAfter ?? open.flags.childLookedAfter
                open.flags = profile.flags
                open.familyId = profile.familyId
                try await CaseStore.update(open, on: connection, logger: batch.logger)
                if profile.flags.childLookedAfter && !wasLookedAfter {
                    try await LookedAfterRule.apply(to: open, eventID: envelope.id, on: connection, logger: batch.logger)
                }
                if let leaving = profile.leavingDate {
                    try await Tasks.raise(open.caseId, kind: "propose_closure", detail: "Left the school on \(leaving): close the case, or check for a child missing education",
                                          due: leaving, source: envelope.id.uuidString, on: connection, logger: batch.logger)
                }
            }
        }
    }
}

/// A child who becomes looked after never goes on to enforcement (shared/PATHWAY.md §2.4): at stage 4 or
/// later the referral is withdrawn (its booking cancelled), open interventions are suspended, and the case
/// escalates within children's social care, with tasks and messages for the social worker and the virtual school.
enum LookedAfterRule {
    static func apply(to original: PathwayCase, eventID: UUID, on connection: PostgresConnection, logger: Logger) async throws {
        var pathwayCase = original
        var outgoing: [OutboxMessage] = []
        try await Chronology.append(pathwayCase.caseId, type: "profile", summary: "The child is now looked after: no enforcement; escalate within children's social care",
                                    by: .system, sourceEvent: eventID, on: connection, logger: logger)
        let live = try await connection.query("""
            UPDATE referrals SET state = 'withdrawn', closed_reason = 'the child became looked after'
            WHERE case_id = \(pathwayCase.caseId) AND state IN ('requested', 'booked') RETURNING referral_id
            """, logger: logger)
        for try await referral in live.decode(String.self) {
            outgoing.append(try Outgoing.meetingWithdrawn(MeetingRequestWithdrawn(caseId: pathwayCase.caseId, referralId: referral, reason: "the child became looked after")))
            try await Chronology.append(pathwayCase.caseId, type: "referral", summary: "Referral \(referral) withdrawn and its booking cancelled: the child is looked after",
                                        by: .system, on: connection, logger: logger)
        }
        for intervention in try await LegalStore.forCase(pathwayCase.caseId, on: connection, logger: logger)
        where LegalStore.openStates.contains(intervention.state) {
            try await LegalStore.setState(intervention.id, "suspended", details: ["suspendedBecause": .string("the child became looked after")], on: connection, logger: logger)
            if let watch = intervention.details["watchId"]?.string {
                outgoing.append(try Outgoing.watchCancelled(AttendanceWatchCancelled(watchId: watch, schoolUrn: pathwayCase.schoolUrn)))
            }
        }
        if pathwayCase.stage >= PathwayStage.formaliseSupport.rawValue || pathwayCase.status != .active {
            pathwayCase.status = .socialCareEscalation
            pathwayCase.stage = min(pathwayCase.stage, PathwayStage.formaliseSupport.rawValue)
        }
        try await CaseStore.update(pathwayCase, on: connection, logger: logger)
        let today = SchoolDate.today.iso
        for (kind, audience, who) in [("social_worker_escalation", NotificationRequested.Audience.socialWorker, "the social worker"),
                                      ("virtual_school_escalation", .virtualSchool, "the virtual school head")] {
            try await Tasks.raise(pathwayCase.caseId, kind: kind, detail: "Child looked after: escalate attendance with \(who)", due: today,
                                  source: eventID.uuidString, on: connection, logger: logger)
            outgoing.append(try Outgoing.notification(NotificationRequested(
                requestId: "\(eventID.uuidString)-\(pathwayCase.caseId)-\(audience.rawValue)", caseId: pathwayCase.caseId, schoolUrn: pathwayCase.schoolUrn, upn: pathwayCase.upn,
                templateKey: "social_care_escalation", audience: audience, fields: ["caseId": pathwayCase.caseId])))
        }
        try await Outgoing.send(outgoing, on: connection, logger: logger)
    }
}
