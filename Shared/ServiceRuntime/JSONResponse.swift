import Foundation
import Hummingbird
import NIOCore

/// A JSON answer with sorted keys, the shape every service's API uses.
public enum JSONResponse {
    public static func make(_ status: HTTPResponse.Status, _ value: some Encodable) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        return Response(status: status, headers: [.contentType: "application/json"],
                        body: .init(byteBuffer: ByteBuffer(bytes: try encoder.encode(value))))
    }

    /// `{"error": "..."}`.
    public static func error(_ status: HTTPResponse.Status, _ message: String) throws -> Response {
        try make(status, ["error": message])
    }
}

/// An error a handler throws to answer `{"error": "..."}` with this status (the API's shape, not Hummingbird's).
public struct RequestRefused: HTTPResponseError, CustomStringConvertible {
    public let status: HTTPResponse.Status
    public let message: String

    public init(_ status: HTTPResponse.Status, _ message: String) {
        self.status = status
        self.message = message
    }

    public var description: String { "\(status.code): \(message)" }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        try JSONResponse.error(status, message)
    }
}

/// Any encodable value, for answers put together from parts.
public struct AnyEncodable: Encodable {
    let value: any Encodable
    public init(_ value: any Encodable) { self.value = value }
    public func encode(to encoder: any Encoder) throws { try value.encode(to: encoder) }
}
