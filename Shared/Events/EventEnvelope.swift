import Foundation

/// The wrapper every event travels in: who sent what, when, for which key, in which schema version.
public struct EventEnvelope<Payload: Codable & Sendable>: Codable, Sendable {
    /// Unique per event; consumers deduplicate on it.
    public var id: UUID
    /// What happened, for example `attendance.register-recorded`.
    public var type: String
    public var schemaVersion: Int
    /// The service that produced the event.
    public var source: String
    public var time: Date
    /// The partitioning key (a school URN for most topics).
    public var key: String
    public var data: Payload

    public init(id: UUID = UUID(), type: String, schemaVersion: Int, source: String, time: Date = Date(), key: String, data: Payload) {
        self.id = id
        self.type = type
        self.schemaVersion = schemaVersion
        self.source = source
        self.time = time
        self.key = key
        self.data = data
    }
}

/// JSON coding shared by every producer and consumer: ISO 8601 times, sorted keys.
public enum EventCoding {
    public static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }

    public static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }
}
