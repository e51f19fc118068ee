import Foundation
import Hummingbird
import Logging

/// Sign-in, sign-out, the stylesheet and the accessibility statement: the pages anyone may open.
struct SignInRoutes: Sendable {
    let accounts: AccountStore
    let sessions: SessionStore
    let settings: PortalSettings
    let cookies: CookieJar
    let logger: Logger

    func add(to router: Router<PortalContext>) {
        router.get("/sign-in") { request, context in
            signInPage(next: request.uri.queryParameters["next"].map(String.init), context: context, existingToken: request.cookies[CookieJar.signInToken]?.value)
        }
        router.get("/favicon.ico") { _, _ in Response(status: .noContent) }
        router.post("/sign-in") { request, context in try await signIn(request, context) }
        router.post("/sign-out") { _, context in try await signOut(context) }
        router.get("/assets/portal.css") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/css; charset=utf-8", .cacheControl: "max-age=3600"],
                     body: .init(byteBuffer: .init(string: Stylesheet.css)))
        }
        router.get("/accessibility") { _, context in
            Page.render("problem", title: "Accessibility statement", values: [
                "heading": "Accessibility statement",
                "detail": "This portal is built to meet WCAG 2.2 at level AA: every page works with a keyboard alone and without JavaScript, charts have a data table beside them, and errors name the field and the reason. Tell your LA's attendance service manager about any problem you meet.",
            ], context: context)
        }
    }

    /// The form, with a fresh double-submit token in a cookie and the form.
    /// The browser's token is kept while it has one: a second tab (or the browser's own request for an icon) must
    /// not make the first tab's form stale.
    func signInPage(next: String?, context: PortalContext, errors: [(field: String, message: String)] = [], username: String = "",
                    status: HTTPResponse.Status = .ok, existingToken: String? = nil) -> Response {
        if context.account != nil, errors.isEmpty { return .redirect(to: Self.safe(next)) }
        let token = existingToken.flatMap { $0.count == 43 ? $0 : nil } ?? SessionStore.randomToken()
        var values: [String: Any] = [
            "signInToken": token, "next": Self.safe(next), "username": username, "localSignIn": settings.localSignIn,
            "errors": errors.map { ["field": $0.field, "message": $0.message] },
        ]
        for error in errors { values["\(error.field)Error"] = error.message }
        if let oidc = settings.oidc {
            values["oidc"] = ["name": oidc.displayName, "href": "/sign-in/oidc?next=" + (Self.safe(next).addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "%2F")]
        }
        var response = Page.render("signIn", title: errors.isEmpty ? "Sign in" : "Error: Sign in", values: values, context: PortalContext.signedOut(context), status: status)
        response.headers[values: .setCookie].append(cookies.set(CookieJar.signInToken, token))
        return response
    }

    func signIn(_ request: Request, _ context: PortalContext) async throws -> Response {
        let form = try await FormBody.read(request, context: context)
        let next = form["next"]
        guard let sent = form["csrf"], let expected = request.cookies[CookieJar.signInToken]?.value, SessionStore.same(sent, expected) else {
            return signInPage(next: next, context: context, errors: [("username", "The sign-in form had expired: sign in again")], status: .forbidden)
        }
        let existing = request.cookies[CookieJar.signInToken]?.value
        func page(_ errors: [(String, String)], _ username: String, _ status: HTTPResponse.Status) -> Response {
            signInPage(next: next, context: context, errors: errors, username: username, status: status, existingToken: existing)
        }
        guard settings.localSignIn else { return page([("username", "Sign in with \(settings.oidc?.displayName ?? "your council account")")], "", .forbidden) }
        let username = form.text("username")?.lowercased() ?? "", password = form["password"] ?? ""
        var errors: [(String, String)] = []
        if username.isEmpty { errors.append(("username", "Enter your username")) }
        if password.isEmpty { errors.append(("password", "Enter your password")) }
        guard errors.isEmpty else { return page(errors, username, .unprocessableContent) }
        switch try await accounts.signIn(username: username, password: password, lockAfter: settings.lockoutAttempts,
                                         lockMinutes: settings.lockoutMinutes, client: context.client) {
        case .refused:
            return page([("username", "The username or password is not right")], username, .unauthorized)
        case .locked(let minutes):
            return page([("username", "This account is locked after \(settings.lockoutAttempts) failed sign-ins: try again in \(minutes) minutes, or ask your administrator to unlock it")],
                        username, .tooManyRequests)
        case .signedIn(let account):
            if let old = context.sessionCookie { try await sessions.end(cookie: old) }
            let (cookie, _) = try await sessions.start(username: account.username)
            logger.info("signed in", metadata: ["user": "\(account.username)"])
            var response = Response.redirect(to: Self.safe(next), type: .normal)
            response.headers[values: .setCookie].append(cookies.set(CookieJar.session, cookie))
            response.headers[values: .setCookie].append(cookies.clear(CookieJar.signInToken))
            return response
        }
    }

    func signOut(_ context: PortalContext) async throws -> Response {
        if let cookie = context.sessionCookie { try await sessions.end(cookie: cookie) }
        var response = Response.redirect(to: "/sign-in", type: .normal)
        response.headers[values: .setCookie].append(cookies.clear(CookieJar.session))
        return response
    }

    /// Only a path on this site: never another site (`//evil.example`, `https://...`, `/\tevil`: browsers drop tabs
    /// and newlines from a URL, so any character outside printable ASCII is refused).
    static func safe(_ next: String?) -> String {
        guard let next, next.hasPrefix("/"), next.unicodeScalars.allSatisfy({ (0x21...0x7E).contains($0.value) }), !next.contains("\\") else { return "/" }
        let second = next.dropFirst().first
        guard second != "/" else { return "/" }
        return next
    }
}

extension PortalContext {
    /// The same request without its session: the sign-in page shows no navigation.
    static func signedOut(_ context: PortalContext) -> PortalContext {
        var copy = context
        copy.account = nil
        copy.csrfToken = nil
        return copy
    }
}
