import Hummingbird
import NIOCore

/// A request to the portal: who is signed in (set by ``SessionMiddleware``) and the session's CSRF token.
struct PortalContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    var account: Account?
    var csrfToken: String?
    var sessionCookie: String?
    let remoteAddress: SocketAddress?

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }

    /// The signed-in account; pages behind sign-in only ever run with one (``SessionMiddleware`` redirects otherwise).
    func signedIn() throws -> Account {
        guard let account else { throw HTTPError(.unauthorized) }
        return account
    }

    var client: String? { remoteAddress?.ipAddress }
}
