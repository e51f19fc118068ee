import Foundation
import NIOCore

/// Why a JSON body is not the document an endpoint expects.
enum JSONBodyError: Error, Sendable, Equatable {
    /// Not JSON at all (malformed, empty, or not UTF-8): the request itself is bad, 400.
    case malformed
    /// Well-formed JSON of the wrong shape (a number where text belongs): a broken rule, 422.
    case wrongShape(FieldError)
}

/// Reads request bodies as JSON documents, naming where a wrong-shaped document goes wrong the way the
/// validators do (`pupils[0].yearGroup`, `marks[3].code`). Values are never echoed: a roster carries
/// personal data.
enum JSONBody {
    static func decode<Document: Decodable>(_ type: Document.Type, from body: ByteBuffer) throws(JSONBodyError) -> Document {
        do { return try JSONDecoder().decode(type, from: Data(body.readableBytesView)) } catch { throw classify(error) }
    }

    static func classify(_ error: any Error) -> JSONBodyError {
        guard let decoding = error as? DecodingError else { return .malformed }
        switch decoding {
        case .typeMismatch(let type, let context):
            return .wrongShape(FieldError(location: location(context.codingPath), value: nil, reason: "expected \(kind(type))"))
        case .valueNotFound(let type, let context):
            return .wrongShape(FieldError(location: location(context.codingPath), value: nil, reason: "expected \(kind(type)), found null"))
        case .keyNotFound(let key, let context):
            return .wrongShape(FieldError(location: location(context.codingPath + [key]), value: nil, reason: "is required"))
        case .dataCorrupted(let context):
            // The decoder reports unparseable text at the top, with no path; a path means a value it parsed.
            return context.codingPath.isEmpty
                ? .malformed
                : .wrongShape(FieldError(location: location(context.codingPath), value: nil, reason: "is malformed"))
        @unknown default:
            return .malformed
        }
    }

    /// `pupils[0].yearGroup` for the decoder's path `pupils`, `Index 0`, `yearGroup`; `body` for the top.
    static func location(_ path: [any CodingKey]) -> String {
        var text = ""
        for key in path {
            if let index = key.intValue {
                text += "[\(index)]"
            } else {
                text += text.isEmpty ? key.stringValue : ".\(key.stringValue)"
            }
        }
        return text.isEmpty ? "body" : text
    }

    /// The JSON name of what the decoder wanted.
    private static func kind(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: return "a string"
        case is Bool.Type: return "true or false"
        case is Int.Type, is Int32.Type, is Int64.Type, is Double.Type: return "a number"
        default:
            let name = String(describing: type)
            if name.hasPrefix("Array") { return "a list" }
            if name.hasPrefix("Dictionary") { return "an object" }
            return name
        }
    }
}
