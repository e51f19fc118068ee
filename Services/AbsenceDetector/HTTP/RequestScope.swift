import Foundation
import Hummingbird
import ServiceRuntime

/// What a read asks for: one school's data (that school's token or an LA token) or the whole LA's
/// (LA tokens only). Every API route of the detector checks its scope with `refusal(_:)` first.
enum RequestScope: Sendable {
    case school(String)
    case localAuthority

    var schoolURN: String? {
        if case .school(let urn) = self { return urn }
        return nil
    }

    var description: String { schoolURN.map { "school \($0)" } ?? "local authority" }

    /// The error answer when the request's token may not read this scope; nil when it may.
    func refusal(_ request: Request, authenticator: BearerTokenAuthenticator) async throws -> Response? {
        guard let principal = try await authenticator.principal(authorization: request.headers[.authorization]) else {
            return try JSONResponse.error(.unauthorized, "a valid bearer token is required")
        }
        switch self {
        case .school(let urn):
            return principal.mayAccess(school: urn) ? nil : try JSONResponse.error(.forbidden, "this token may not read school \(urn)")
        case .localAuthority:
            return principal == .localAuthority ? nil : try JSONResponse.error(.forbidden, "the whole LA's data needs an LA token")
        }
    }
}

/// Query parameters shared by the list routes, each refused with the parameter's name and the reason.
struct ListQuery {
    struct Problem: Error { var message: String }

    /// `academicYear=2025/26` as its first calendar year; nil when absent (the latest year with marks).
    static func academicYear(_ request: Request) throws(Problem) -> Int? {
        guard let text = request.uri.queryParameters.get("academicYear") else { return nil }
        let parts = text.split(separator: "/")
        guard parts.count == 2, let start = Int(parts[0]), let end = Int(parts[1]), (2000...2100).contains(start), end == (start + 1) % 100 else {
            throw Problem(message: "academicYear: expected a year written 2025/26")
        }
        return start
    }

    /// `limit=N` within `range`, or the default.
    static func limit(_ request: Request, default value: Int, range: ClosedRange<Int>) throws(Problem) -> Int {
        guard let text = request.uri.queryParameters.get("limit") else { return value }
        guard let number = Int(text), range.contains(number) else {
            throw Problem(message: "limit: expected a number from \(range.lowerBound) to \(range.upperBound)")
        }
        return number
    }

    /// "2025/26" for 2025.
    static func yearName(_ year: Int) -> String { "\(year)/\(String(format: "%02d", (year + 1) % 100))" }
}
