import Hummingbird
import HummingbirdAuth
import Logging
import Metrics

/// Verifies the bearer token, if any, and puts the caller in the context. A token that is present but
/// not valid is refused at once (401 with the reason); no token leaves the context without a caller, and
/// ``RequireRoles`` then answers 401.
public struct AuthenticationMiddleware: AuthenticatorMiddleware {
    public typealias Context = ServiceRequestContext
    let verifier: TokenVerifier

    public init(verifier: TokenVerifier) { self.verifier = verifier }

    public func authenticate(request: Request, context: ServiceRequestContext) async throws -> Identity? {
        guard let value = request.headers[.authorization] else { return nil }
        guard value.count > 7, value.prefix(7).lowercased() == "bearer " else {
            throw AuthenticationFailure("the Authorization header must be 'Bearer <token>'")
        }
        let token = value.dropFirst(7).trimmingCharacters(in: .whitespaces)
        guard !token.isEmpty else { throw AuthenticationFailure("the bearer token is empty") }
        do {
            return try await verifier.identity(bearer: token)
        } catch let failure as AuthenticationFailure {
            // No caller, so no audit row: the refusal is logged (the reason and the route, never the token) and counted.
            Counter(label: "auth_tokens_refused_total").increment()
            context.logger.notice("token refused", metadata: ["reason": "\(failure.reason)", "path": "\(request.uri.path)",
                                                              "client": "\(context.remoteAddress?.ipAddress ?? "unknown")"])
            throw failure
        }
    }
}

/// Lets through only callers with one of these roles: 401 without a valid token, 403 with the roles
/// the endpoint needs otherwise.
public struct RequireRoles: RouterMiddleware {
    public typealias Context = ServiceRequestContext
    public let roles: Set<Role>

    public init(_ roles: Role...) { self.roles = Set(roles) }
    public init(_ roles: Set<Role>) { self.roles = roles }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let caller = try context.caller()
        guard caller.has(anyOf: roles) else {
            return try JSONResponse.error(.forbidden, "this endpoint is for the roles \(Role.list(roles)); the token has \(Role.list(caller.roles))")
        }
        return try await next(request, context)
    }
}

import Foundation
