import Hummingbird
import NIOCore
import ServiceRuntime

/// A request body over its limit: 413, explained in the same JSON shape as every other refusal.
struct BodyTooLarge: HTTPResponseError {
    /// The limit in bytes.
    var limit: Int
    /// The setting that sets it, when there is one.
    var setting: String?

    var status: HTTPResponse.Status { .contentTooLarge }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        let reason = "the body is larger than \(limit) bytes" + (setting.map { ", the limit \($0) sets" } ?? ", the limit for this call")
        return try JSONResponse.make(status, RegisterRoutes.Refused(
            error: "the request was refused; nothing was stored", errors: [FieldError(location: "body", value: nil, reason: reason)]))
    }
}

extension Request {
    /// The whole body, or `BodyTooLarge` once it passes `limit` bytes.
    mutating func collectBody(upTo limit: Int, setting: String?) async throws -> ByteBuffer {
        do { return try await collectBody(upTo: limit) } catch is NIOTooManyBytesError { throw BodyTooLarge(limit: limit, setting: setting) }
    }
}
