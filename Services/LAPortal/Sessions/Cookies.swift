import Hummingbird

/// The portal's cookies: HttpOnly, SameSite=Lax (a link from an email still opens the page signed in; a form posted
/// from another site arrives without the cookie), Secure unless a loopback demo turns it off, path /.
struct CookieJar: Sendable {
    static let session = "portal_session"
    /// The sign-in form's CSRF token, double-submitted: the form's hidden field must equal this cookie.
    static let signInToken = "portal_signin"

    let secure: Bool

    func set(_ name: String, _ value: String, maxAge: Int? = nil) -> String {
        var cookie = "\(name)=\(value); Path=/; HttpOnly; SameSite=Lax"
        if secure { cookie += "; Secure" }
        if let maxAge { cookie += "; Max-Age=\(maxAge)" }
        return cookie
    }

    func clear(_ name: String) -> String { set(name, "", maxAge: 0) }
}
