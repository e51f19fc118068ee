import Foundation
import Logging
import PostgresNIO

/// A message that has failed for good (refused, out of retries, or reported undelivered by the provider): recorded,
/// then the next channel for a statutory, first-day or social-worker message, or a line in the school's digest when
/// nothing else can reach the family.
enum Fallback {
    static func failedForGood(_ message: StoredMessage, status: String, reason: String, now: Date, on connection: PostgresConnection, logger: Logger) async throws {
        try await MessageStore.setStatus(message.id, to: status, detail: reason, at: now, on: connection, logger: logger)
        let fallsBack = message.statutory || message.kind == .firstDay || message.audience == "social_worker"
        if fallsBack, let next = message.channel.fallback, message.contactKey != nil {
            let planned = PlannedMessage(sourceEvent: message.sourceEvent, requestId: message.requestId, caseId: message.caseId, schoolUrn: message.schoolUrn,
                                         upn: message.upn, kind: message.kind, templateKey: message.templateKey, audience: message.audience,
                                         contactKey: message.contactKey, channel: next, statutory: message.statutory, fields: message.fields,
                                         sessionDate: message.sessionDate, status: "queued", detail: nil, dueAt: now, staleAt: message.staleAt)
            // Already there (a redelivery, or an earlier failure of this one): that message carries on, and tells the school if it fails too.
            try await MessageStore.insert(planned, now: now, on: connection, logger: logger)
            return
        }
        if ["parent", "carer"].contains(message.audience) {
            // Every channel has failed: the school is told, to reach the family another way.
            try await SchoolDigest.add(school: message.schoolUrn, upn: message.upn,
                                       summary: "\(message.upn): \(message.templateKey) could not be sent by \(message.channel.rawValue) (\(reason)): please contact the family and check their details",
                                       at: now, on: connection, logger: logger)
        }
    }
}
