import Foundation

/// Encodes and decodes events as JSON, the wire format people can read with any Kafka tool.
public enum EventCodec {
    public static func encode<Payload>(_ envelope: EventEnvelope<Payload>) throws -> [UInt8] {
        Array(try EventCoding.encoder().encode(envelope))
    }

    /// The envelope's `type` and `id` without decoding its data: a consumer of a topic that carries several
    /// kinds of event picks the payload type from it.
    public static func kind(of bytes: some Collection<UInt8>) throws(EventDecodingError) -> (type: String, id: UUID) {
        do {
            let head = try EventCoding.decoder().decode(EnvelopeHead.self, from: Data(bytes))
            return (head.type, head.id)
        } catch let error as DecodingError {
            throw EventDecodingError(reason: EventDecodingError.describe(error))
        } catch {
            throw EventDecodingError(reason: "unreadable event: \(error)")
        }
    }

    /// Decodes an envelope, or says in one line what is wrong with the bytes (never their content).
    public static func decode<Payload>(_ type: Payload.Type, from bytes: some Collection<UInt8>) throws(EventDecodingError) -> EventEnvelope<Payload> {
        do {
            return try EventCoding.decoder().decode(EventEnvelope<Payload>.self, from: Data(bytes))
        } catch let error as DecodingError {
            throw EventDecodingError(reason: EventDecodingError.describe(error))
        } catch {
            throw EventDecodingError(reason: "unreadable event: \(error)")
        }
    }
}

/// Why an event could not be decoded: the field and the reason.
public struct EventDecodingError: Error, Sendable, Equatable, CustomStringConvertible {
    public let reason: String
    public var description: String { reason }

    public init(reason: String) { self.reason = reason }

    static func describe(_ error: DecodingError) -> String {
        func path(_ codingPath: [any CodingKey]) -> String {
            codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined().drop { $0 == "." }.description
        }
        switch error {
        case .keyNotFound(let key, let context):
            let parent = path(context.codingPath)
            return "missing field \(parent.isEmpty ? "" : parent + ".")\(key.stringValue)"
        case .typeMismatch(let type, let context):
            return "field \(path(context.codingPath)): expected \(type)"
        case .valueNotFound(let type, let context):
            return "field \(path(context.codingPath)): expected \(type), found null"
        case .dataCorrupted(let context):
            let at = path(context.codingPath)
            if context.codingPath.isEmpty { return "not a JSON event" }
            return "field \(at): \(context.debugDescription)"
        @unknown default:
            return "unreadable event"
        }
    }
}

/// The fields of an envelope that say what it carries.
private struct EnvelopeHead: Decodable {
    var type: String
    var id: UUID
}
