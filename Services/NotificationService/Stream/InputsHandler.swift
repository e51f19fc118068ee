import Events
import Foundation
import Logging
import Messaging
import PostgresNIO
import ServiceRuntime

/// Consumes `attendance.signals` (first-day, explained, thresholds, recovered) and `notification.requests` (from
/// pathway-coordinator and meeting-scheduler): plans the messages and stores them, keyed so a redelivery adds nothing.
/// The dispatcher sends them when they are due.
struct InputsHandler: BatchHandler {
    let planner: MessagePlanner
    let templates: TemplateCatalogue
    let clock: any ServiceClock

    func apply(_ messages: [KafkaMessage], in batch: inout ConsumedBatch, on connection: PostgresConnection) async throws {
        let now = clock.now()
        for message in messages {
            let kind: (type: String, id: UUID)
            do { kind = try EventCodec.kind(of: message.value) } catch {
                batch.deadLetter(message, reason: "unreadable event: \(error)")
                continue
            }
            do {
                switch kind.type {
                case AttendanceSignal.type:
                    let signal = try EventCodec.decode(AttendanceSignal.self, from: message.value).data
                    try await apply(signal, eventID: kind.id, now: now, on: connection, logger: batch.logger)
                case NotificationRequested.type:
                    let request = try EventCodec.decode(NotificationRequested.self, from: message.value).data
                    guard templates.knows(request.templateKey) else {
                        batch.deadLetter(message, reason: "notification.requested: templateKey '\(request.templateKey)' has no template")
                        continue
                    }
                    let context = try await context(upn: request.upn, school: request.schoolUrn, eventID: kind.id, now: now, on: connection, logger: batch.logger)
                    for planned in planner.plan(request, context) {
                        try await MessageStore.insert(planned, now: now, on: connection, logger: batch.logger)
                    }
                case NotificationCancelled.type:
                    let cancelled = try EventCodec.decode(NotificationCancelled.self, from: message.value).data
                    _ = try await MessageStore.cancel(
                        where: "SELECT id FROM messages WHERE request_id = \(cancelled.requestId) AND status = 'queued' FOR UPDATE",
                        status: "cancelled_requested", detail: cancelled.reason, at: now, on: connection, logger: batch.logger)
                default:
                    batch.logger.debug("event of another type ignored", metadata: ["type": "\(kind.type)"])
                }
            } catch let error as EventDecodingError {
                batch.deadLetter(message, reason: "unreadable \(kind.type) event: \(error)")
            }
        }
    }

    private func apply(_ signal: AttendanceSignal, eventID: UUID, now: Date, on connection: PostgresConnection, logger: Logger) async throws {
        let context = try await context(upn: signal.upn, school: signal.schoolUrn, eventID: eventID, now: now, on: connection, logger: logger)
        let plan = planner.plan(signal, context)
        for planned in plan.messages {
            try await MessageStore.insert(planned, now: now, on: connection, logger: logger)
        }
        if let date = plan.cancelFirstDayOn {
            _ = try await MessageStore.cancel(
                where: "SELECT id FROM messages WHERE upn = \(signal.upn) AND kind = 'first_day' AND session_date = \(date)::date AND status = 'queued' FOR UPDATE",
                status: "cancelled_explained", detail: "the absence was explained: \(signal.reason)", at: now, on: connection, logger: logger)
        }
        if plan.cancelSupport {
            _ = try await MessageStore.cancel(
                where: "SELECT id FROM messages WHERE upn = \(signal.upn) AND kind = 'support' AND request_id IS NULL AND status = 'queued' FOR UPDATE",
                status: "cancelled_recovered", detail: signal.reason, at: now, on: connection, logger: logger)
        }
        for item in plan.digestItems {
            try await SchoolDigest.add(school: signal.schoolUrn, upn: signal.upn, summary: item, at: now, on: connection, logger: logger)
        }
    }

    private func context(upn: String, school: String, eventID: UUID, now: Date, on connection: PostgresConnection, logger: Logger) async throws -> MessagePlanner.Context {
        MessagePlanner.Context(eventID: eventID, now: now, pupil: try await ContactBook.pupil(upn, on: connection, logger: logger),
                               contacts: try await ContactBook.contacts(of: upn, on: connection, logger: logger),
                               school: try await ContactBook.school(school, on: connection, logger: logger))
    }
}
