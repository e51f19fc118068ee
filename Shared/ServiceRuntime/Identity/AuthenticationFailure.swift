import Foundation
import Hummingbird
import NIOCore

/// A token refused: 401, with a reason that names what is wrong (never the token itself), in the body and
/// in `WWW-Authenticate` (RFC 6750).
public struct AuthenticationFailure: HTTPResponseError, Equatable, CustomStringConvertible {
    public let reason: String

    public init(_ reason: String) { self.reason = reason }

    public var status: HTTPResponse.Status { .unauthorized }
    public var description: String { reason }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var response = try JSONResponse.error(.unauthorized, reason)
        let quoted = reason.replacingOccurrences(of: "\"", with: "'")
        response.headers[.wwwAuthenticate] = #"Bearer realm="attendance-pathway", error="invalid_token", error_description="\#(quoted)""#
        return response
    }
}
