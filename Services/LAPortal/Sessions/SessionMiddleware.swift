import Foundation
import Hummingbird

/// Finds the signed-in account behind the session cookie. A page needing sign-in redirects to it (then back); a
/// POST must carry the session's CSRF token in the form's `csrf` field, else it is refused with 403.
struct SessionMiddleware: RouterMiddleware {
    typealias Context = PortalContext
    let sessions: SessionStore
    let accounts: AccountStore
    /// Paths that need no sign-in.
    static let open: Set<String> = ["/sign-in", "/assets/portal.css", "/health", "/ready", "/metrics", "/accessibility", "/favicon.ico", "/sign-in/oidc", "/sign-in/callback"]

    func handle(_ request: Request, context: PortalContext, next: (Request, PortalContext) async throws -> Response) async throws -> Response {
        var context = context
        if let cookie = request.cookies[CookieJar.session]?.value, !cookie.isEmpty,
           let session = try await sessions.find(cookie: cookie), let account = try await accounts.account(session.username) {
            context.account = account
            context.csrfToken = session.csrfToken
            context.sessionCookie = cookie
        }
        if Self.open.contains(request.uri.path) { return try await next(request, context) }
        guard context.account != nil else {
            if request.method == .get {
                let back = request.uri.path + (request.uri.query.map { "?\($0)" } ?? "")
                return .redirect(to: "/sign-in?next=\(back.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "/")")
            }
            return Page.error(.unauthorized, title: "Your session has ended", detail: "Sign in again to continue. Nothing from this form was saved.")
        }
        if request.method == .post {
            let form = try await FormBody.read(request, context: context)
            guard let token = form["csrf"], let expected = context.csrfToken, SessionStore.same(token, expected) else {
                return Page.error(.forbidden, title: "This form has expired", detail: "Go back, reload the page and try again. Nothing was saved.")
            }
            var request = request
            request.body = .init(buffer: form.raw)
            return try await next(request, context)
        }
        return try await next(request, context)
    }
}
