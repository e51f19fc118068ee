import Hummingbird
import HummingbirdAuth
import NIOCore
import Synchronization

/// The request context of every service's API: who is calling (set by ``AuthenticationMiddleware``),
/// from where, and what the handler read or wrote, for the access audit.
public struct ServiceRequestContext: AuthRequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    public var identity: Identity?
    public let remoteAddress: SocketAddress?
    /// Shared by every copy of this context, so the audit middleware sees what the handler noted.
    public let access: AccessNote

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        identity = nil
        remoteAddress = source.channel.remoteAddress
        access = AccessNote()
    }

    /// The caller; 401 when the route is reached without one (a route group without ``RequireRoles``).
    public func caller() throws -> Identity {
        guard let identity else { throw AuthenticationFailure("a bearer token is required") }
        return identity
    }

    /// The school of the path's `urn` when the caller sees it; otherwise 404, as if there were no such
    /// school, with the refusal noted for the access audit.
    public func visibleSchool() throws -> String {
        let urn = parameters.get("urn") ?? ""
        guard try caller().maySee(school: urn) else {
            access.refused("school \(urn) is outside the caller's schools")
            throw RequestRefused(.notFound, "no school \(urn) among the schools you can see")
        }
        return urn
    }
}

/// What a request touched: the pupils whose data it read or wrote, the school, the case, and why an
/// out-of-scope read was answered 404. Written once per request into the access audit.
public final class AccessNote: Sendable {
    public struct Touched: Sendable, Equatable {
        public var pupils: [String] = []
        public var school: String?
        public var caseID: String?
        public var refusal: String?
        /// The row is written (in the write's transaction).
        public var recorded = false
    }

    private let touched = Mutex(Touched())

    public init() {}

    public func pupils(_ upns: some Sequence<String>) { touched.withLock { $0.pupils.append(contentsOf: upns) } }
    public func pupil(_ upn: String) { pupils([upn]) }
    public func school(_ urn: String) { touched.withLock { $0.school = urn } }
    public func caseID(_ id: String) { touched.withLock { $0.caseID = id } }
    /// A read outside the caller's scope, answered as if the record did not exist.
    public func refused(_ why: String) { touched.withLock { $0.refusal = why } }

    public var current: Touched { touched.withLock { $0 } }
    public var isRecorded: Bool { touched.withLock { $0.recorded } }
    func markRecorded() { touched.withLock { $0.recorded = true } }
}
