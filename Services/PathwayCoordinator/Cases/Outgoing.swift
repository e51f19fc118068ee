import Events
import Foundation
import Logging
import NIOCore
import PostgresNIO
import Storage

/// What the coordinator tells other services, written to its outbox in the transaction of the change.
enum Outgoing {
    static func message<Payload: Codable & Sendable>(_ data: Payload, type: String, version: Int, topic: TopicDescription, key: String) throws -> OutboxMessage {
        let envelope = EventEnvelope(type: type, schemaVersion: version, source: "pathway-coordinator", key: key, data: data)
        return OutboxMessage(eventID: envelope.id, topic: topic.name, key: key, payload: ByteBuffer(bytes: try EventCodec.encode(envelope)))
    }

    static func send(_ messages: [OutboxMessage], on connection: PostgresConnection, logger: Logger) async throws {
        try await Outbox.enqueue(messages, on: connection, logger: logger)
    }

    static func meetingRequested(_ request: MeetingRequested) throws -> OutboxMessage {
        try message(request, type: MeetingRequested.type, version: MeetingRequested.version, topic: TopicCatalogue.meetingRequests, key: request.caseId)
    }

    static func meetingWithdrawn(_ withdrawal: MeetingRequestWithdrawn) throws -> OutboxMessage {
        try message(withdrawal, type: MeetingRequestWithdrawn.type, version: MeetingRequestWithdrawn.version, topic: TopicCatalogue.meetingRequests,
                    key: withdrawal.caseId)
    }

    static func notification(_ request: NotificationRequested) throws -> OutboxMessage {
        try message(request, type: NotificationRequested.type, version: NotificationRequested.version, topic: TopicCatalogue.notificationRequests,
                    key: request.schoolUrn)
    }

    static func watch(_ request: AttendanceWatchRequested) throws -> OutboxMessage {
        try message(request, type: AttendanceWatchRequested.type, version: AttendanceWatchRequested.version, topic: TopicCatalogue.attendanceWatches,
                    key: request.schoolUrn)
    }

    static func watchCancelled(_ cancel: AttendanceWatchCancelled) throws -> OutboxMessage {
        try message(cancel, type: AttendanceWatchCancelled.type, version: AttendanceWatchCancelled.version, topic: TopicCatalogue.attendanceWatches,
                    key: cancel.schoolUrn)
    }
}
