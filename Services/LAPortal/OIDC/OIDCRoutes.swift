import Foundation
import Hummingbird
import Logging
import PostgresNIO
import ServiceRuntime

/// `GET /sign-in/oidc`: off to the LA's identity provider; `GET /sign-in/callback`: back, with a code for the person's
/// ID token. The state is bound to this browser (a cookie) and used once; the groups the provider names become roles.
struct OIDCRoutes: Sendable {
    let provider: OIDCProvider
    let settings: OIDCSettings
    let accounts: AccountStore
    let sessions: SessionStore
    let cookies: CookieJar
    let postgres: PostgresClient
    let logger: Logger
    static let stateCookie = "portal_oidc_state"

    func add(to router: Router<PortalContext>) {
        router.get("/sign-in/oidc") { request, _ in try await start(next: request.uri.queryParameters["next"].map(String.init)) }
        router.get("/sign-in/callback") { request, context in try await callback(request, context) }
    }

    func start(next: String?) async throws -> Response {
        let state = SessionStore.randomToken(), nonce = SessionStore.randomToken(), verifier = SessionStore.randomToken()
        try await postgres.query("""
            INSERT INTO oidc_sign_ins (state, nonce, verifier, next) VALUES (\(state), \(nonce), \(verifier), \(SignInRoutes.safe(next)))
            """, logger: logger)
        try await postgres.query("DELETE FROM oidc_sign_ins WHERE created_at < now() - interval '10 minutes'", logger: logger)
        let url: String
        do { url = try await provider.authorizationURL(state: state, nonce: nonce, verifier: verifier) } catch {
            logger.error("the identity provider cannot be reached", metadata: ["error": "\(error)"])
            return Page.error(.badGateway, title: "Sorry, sign-in is not working", detail: "The council's sign-in service is not answering. Try again in a few minutes.")
        }
        var response = Response.redirect(to: url, type: .found)
        response.headers[values: .setCookie].append(cookies.set(Self.stateCookie, state, maxAge: 600))
        return response
    }

    func callback(_ request: Request, _ context: PortalContext) async throws -> Response {
        let query = request.uri.queryParameters
        func refused(_ why: String, title: String = "Sorry, you could not be signed in", detail: String = "Go back to the sign-in page and try again.") -> Response {
            logger.warning("identity provider sign-in refused", metadata: ["reason": "\(why)"])
            var response = Page.error(.forbidden, title: title, detail: detail)
            response.headers[values: .setCookie].append(cookies.clear(Self.stateCookie))
            return response
        }
        guard let state = query["state"].map(String.init), let code = query["code"].map(String.init),
              let bound = request.cookies[Self.stateCookie]?.value, SessionStore.same(bound, state) else {
            return refused(query["error"].map { "the provider answered \($0)" } ?? "no code, or a state this browser did not start")
        }
        // Used once: the row is deleted as it is read.
        let rows = try await postgres.query("""
            DELETE FROM oidc_sign_ins WHERE state = \(state) AND created_at >= now() - interval '10 minutes' RETURNING nonce, verifier, next
            """, logger: logger)
        var started: (nonce: String, verifier: String, next: String)?
        for try await row in rows.decode((String, String, String).self) { started = row }
        guard let started else { return refused("the sign-in's state is unknown, used or expired") }
        let person: OIDCProvider.Person
        do { person = try await provider.person(code: code, verifier: started.verifier, nonce: started.nonce) } catch {
            return refused("\(error)")
        }
        let roles = Array(Set(person.groups.flatMap { settings.roleGroups[$0] ?? [] })).sorted()
        guard !roles.isEmpty else {
            try await accounts.log("oidc:\(person.subject)", "no_role", client: context.client)
            return refused("no group of the person gives a role", title: "You do not have access to this service",
                           detail: "Your council account has no role in the attendance service. Ask your manager to add you to the right group.")
        }
        let account = Account(username: "oidc:\(person.subject)".lowercased(), displayName: person.name, roles: roles, schools: person.schools, pupils: [])
        try await accounts.federated(account)
        try await accounts.log(account.username, "signed_in_oidc", client: context.client)
        if let old = context.sessionCookie { try await sessions.end(cookie: old) }
        let (cookie, _) = try await sessions.start(username: account.username)
        var response = Response.redirect(to: started.next, type: .normal)
        response.headers[values: .setCookie].append(cookies.set(CookieJar.session, cookie))
        response.headers[values: .setCookie].append(cookies.clear(Self.stateCookie))
        return response
    }
}
