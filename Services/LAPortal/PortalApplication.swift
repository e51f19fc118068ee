import Hummingbird
import Logging
import PostgresNIO
import Prometheus
import ServiceRuntime
import Storage

/// The portal's web application: sessions over PostgreSQL, the pages, and the operational endpoints.
enum PortalApplication {
    static func make(configuration: ServiceConfiguration, settings: PortalSettings, logger: Logger,
                     registry: PrometheusCollectorRegistry) async throws -> some ApplicationProtocol {
        let postgres = try configuration.postgres.makeClient(logger: logger)
        let accounts = AccountStore(postgres: postgres, logger: logger)
        let sessions = SessionStore(postgres: postgres, logger: logger, idleMinutes: settings.idleMinutes, sessionHours: settings.sessionHours)
        let signer = try await TokenSigner(privateJWKFile: settings.signingKeyFile)
        let services = ServiceClient(settings: settings, signer: signer, logger: logger)

        let router = Router(context: PortalContext.self)
        router.middlewares.add(MetricsMiddleware())
        router.middlewares.add(LogRequestsMiddleware(.debug))
        // Outside the session (PostgreSQL away) and inside it (so an error page keeps the person's header and menu).
        router.middlewares.add(PageErrorMiddleware(logger: logger))
        router.middlewares.add(SessionMiddleware(sessions: sessions, accounts: accounts))
        router.middlewares.add(PageErrorMiddleware(logger: logger))
        OperationalRoutes.add(to: router, checks: [PostgresReadinessCheck(client: postgres, logger: logger)], registry: registry)
        let cookies = CookieJar(secure: settings.secureCookies)
        SignInRoutes(accounts: accounts, sessions: sessions, settings: settings, cookies: cookies, logger: logger).add(to: router)
        if let oidc = settings.oidc {
            OIDCRoutes(provider: OIDCProvider(settings: oidc, logger: logger), settings: oidc, accounts: accounts, sessions: sessions, cookies: cookies,
                       postgres: postgres, logger: logger).add(to: router)
        }
        WorklistPage(services: services).add(to: router)
        CasePage(services: services).add(to: router)
        SchoolPage(services: services).add(to: router)
        CalendarPage(services: services).add(to: router)
        PackPage(services: services, chromium: settings.chromium, logger: logger).add(to: router)
        AuditPage(services: services).add(to: router)

        var app = Application(
            router: router,
            configuration: .init(address: .hostname(configuration.httpHost, port: configuration.httpPort), serverName: "la-portal"),
            services: [postgres], logger: logger)
        let migrator = SchemaMigrator(schema: configuration.postgres.schema, migrations: LAPortal.descriptor.migrations)
        app.beforeServerStarts {
            _ = try await migrator.apply(using: postgres, logger: logger)
        }
        return app
    }
}

/// What a person sees when something goes wrong: a page, never a stack trace. A service that does not answer is
/// 503; what a service refused to show (404, 403) is the same to the person as a page that does not exist.
struct PageErrorMiddleware: RouterMiddleware {
    typealias Context = PortalContext
    let logger: Logger

    func handle(_ request: Request, context: PortalContext, next: (Request, PortalContext) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let unreachable as ServiceClient.Unreachable {
            return Page.error(.serviceUnavailable, title: "Sorry, there is a problem with the service",
                              detail: "\(unreachable.service.rawValue) is not answering. Try again in a few minutes; nothing you sent was lost.", context: context)
        } catch let refused as PageRefusal {
            return Page.error(refused.status, title: refused.title, detail: refused.detail, context: context)
        } catch let error as HTTPError where error.status == .contentTooLarge {
            return Page.error(.contentTooLarge, title: "That was too much to send", detail: "Shorten what you wrote and try again.", context: context)
        } catch let error as HTTPError where error.status == .notFound {
            return Page.error(.notFound, title: "Page not found", detail: "If you typed the web address, check it is correct.", context: context)
        } catch {
            logger.error("a page failed", metadata: ["path": "\(request.uri.path)", "error": "\(String(reflecting: error))"])
            return Page.error(.internalServerError, title: "Sorry, there is a problem with the service", detail: "Try again later.", context: context)
        }
    }
}

/// A page that cannot be shown to this person, with the words to say so.
struct PageRefusal: Error {
    var status: HTTPResponse.Status
    var title: String
    var detail: String

    /// What a service's 404 or 403 becomes: not found, whichever it was, so that a URL edited to reach another
    /// school's child learns nothing.
    static func from(_ answer: ServiceClient.Answer) -> PageRefusal {
        switch answer.status {
        case 401: PageRefusal(status: .unauthorized, title: "Your session has ended", detail: "Sign in again to continue.")
        case 403, 404: PageRefusal(status: .notFound, title: "Page not found", detail: "If you typed the web address, check it is correct.")
        default: PageRefusal(status: .badGateway, title: "Sorry, there is a problem with the service",
                             detail: answer.json["error"].string ?? "A service answered \(answer.status). Try again later.")
        }
    }
}
