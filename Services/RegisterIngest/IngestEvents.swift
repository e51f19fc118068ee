import Events
import NIOCore
import Storage

/// How register-ingest wraps what it publishes: an envelope keyed by school URN, queued in the outbox.
enum IngestEvents {
    static let source = "register-ingest"

    static func outboxMessage<Payload: Codable & Sendable>(_ type: String, version: Int, topic: String, school: String, data: Payload) throws -> OutboxMessage {
        let envelope = EventEnvelope(type: type, schemaVersion: version, source: source, key: school, data: data)
        return OutboxMessage(eventID: envelope.id, topic: topic, key: school, payload: ByteBuffer(bytes: try EventCodec.encode(envelope)))
    }
}
