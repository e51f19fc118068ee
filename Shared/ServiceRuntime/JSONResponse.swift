import Foundation
import Hummingbird
import NIOCore

/// A JSON answer with sorted keys, the shape every service's API uses.
public enum JSONResponse {
    public static func make(_ status: HTTPResponse.Status, _ value: some Encodable) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return Response(status: status, headers: [.contentType: "application/json"],
                        body: .init(byteBuffer: ByteBuffer(bytes: try encoder.encode(value))))
    }

    /// `{"error": "..."}`.
    public static func error(_ status: HTTPResponse.Status, _ message: String) throws -> Response {
        try make(status, ["error": message])
    }
}
