import Crypto
import Foundation
import Hummingbird
import Logging
import NIOCore
import PostgresNIO
import ServiceRuntime

/// Calendar feeds (RFC 5545, `METHOD:PUBLISH`) at unguessable, revocable URLs: a person's (the bookings they
/// chair, sit on or must attend) or a panel series'. `POST /v1/calendar-feeds`, `POST /v1/calendar-feeds/{label}/revoke`,
/// and `GET /v1/calendars/{token}.ics`, which takes no bearer token: the URL is the secret, for calendar apps.
struct CalendarRoutes: Sendable {
    let postgres: PostgresClient
    let settings: SchedulerSettings
    let logger: Logger

    static let staff: Set<Role> = [.laOfficer, .laManager, .panelChair, .laAdmin, .legalOfficer, .schoolLead]

    func add(to api: RouterGroup<ServiceRequestContext>) {
        let staff = api.group().add(middleware: RequireRoles(Self.staff))
        staff.post("/v1/calendar-feeds") { request, context in try await create(request, context) }
        staff.post("/v1/calendar-feeds/:label/revoke") { _, context in try await revoke(context) }
        api.get("/v1/calendars/:file") { _, context in try await feed(context) }
    }

    struct NewFeed: Decodable {
        var label: String
        /// A panel series' feed (la_admin); without it, the caller's own.
        var seriesId: String?
    }

    func create(_ request: Request, _ context: ServiceRequestContext) async throws -> Response {
        let body = try await APIBody.decode(NewFeed.self, request)
        try APIBody.require(!body.label.isEmpty, "label", "name the feed (\"my phone\")")
        let caller = try context.caller()
        if body.seriesId != nil && !caller.roles.contains(.laAdmin) { throw RequestRefused(.forbidden, "seriesId: a panel's feed is made by an la_admin") }
        if let series = body.seriesId {
            var known = false
            for try await _ in try await postgres.query("SELECT 1 FROM panel_series WHERE series_id = \(series)", logger: logger).decode(Int.self) { known = true }
            try APIBody.require(known, "seriesId", "no panel series \(series)")
        }
        var bytes = [UInt8](repeating: 0, count: 32)
        for index in bytes.indices { bytes[index] = UInt8.random(in: 0...255) }
        let token = Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
        try await postgres.query("""
            INSERT INTO calendar_feeds (token_sha256, label, owner, series_id, created_by)
            VALUES (\(Self.hash(token)), \(body.label), \(body.seriesId == nil ? caller.subject : nil), \(body.seriesId), \(caller.subject))
            """, logger: logger)
        return try JSONResponse.make(.created, ["label": body.label, "path": "/v1/calendars/\(token).ics"])
    }

    func revoke(_ context: ServiceRequestContext) async throws -> Response {
        let label = context.parameters.get("label") ?? "", caller = try context.caller()
        let rows = try await postgres.query("""
            UPDATE calendar_feeds SET revoked_at = now() WHERE label = \(label) AND created_by = \(caller.subject) AND revoked_at IS NULL RETURNING 1
            """, logger: logger)
        var revoked = 0
        for try await _ in rows.decode(Int.self) { revoked += 1 }
        guard revoked > 0 else { throw RequestRefused(.notFound, "no live feed \(label) of yours") }
        return try JSONResponse.make(.ok, ["label": label, "revoked": "\(revoked)"])
    }

    static func hash(_ token: String) -> String { SHA256.hash(data: Data(token.utf8)).map { String(format: "%02x", $0) }.joined() }

    /// The events from 30 days ago to 180 days ahead; a cancelled one stays for 30 days, marked cancelled.
    func feed(_ context: ServiceRequestContext) async throws -> Response {
        let file = context.parameters.get("file") ?? ""
        guard file.hasSuffix(".ics") else { throw RequestRefused(.notFound, "no such calendar") }
        let token = String(file.dropLast(4))
        let rows = try await postgres.query("""
            SELECT coalesce(owner, ''), coalesce(series_id, ''), label FROM calendar_feeds WHERE token_sha256 = \(Self.hash(token)) AND revoked_at IS NULL
            """, logger: logger)
        var found: (owner: String, series: String, label: String)?
        for try await row in rows.decode((String, String, String).self) { found = row }
        guard let found else { throw RequestRefused(.notFound, "no such calendar") }
        let events = try await postgres.withConnection { connection in
            var binds = PostgresBindings()
            binds.append(found.owner)
            binds.append(found.series)
            let bookings = try await Bookings.find(where: """
                b.starts_at > now() - interval '30 days' AND b.starts_at < now() + interval '180 days'
                AND (b.status <> 'cancelled' OR b.updated_at > now() - interval '30 days')
                AND (s.series_id = $2 OR s.chair = $1 OR $1 = ANY(coalesce((SELECT array_agg(x) FROM jsonb_array_elements_text(r.request->'requiredAttendees') x), '{}'))
                     OR $1 = ANY(coalesce((SELECT array_agg(x) FROM jsonb_array_elements_text(ps.definition->'members') x), '{}')))
                """, binds, on: connection, logger: logger)
            // A person's feed also has the family meetings and targeting support meetings they arranged or are invited to.
            var ownBinds = PostgresBindings()
            ownBinds.append(found.owner)
            let meetings = found.owner.isEmpty ? [] : try await MeetingStore.find(where: """
                starts_at > now() - interval '30 days' AND starts_at < now() + interval '180 days'
                AND (status <> 'cancelled' OR updated_at > now() - interval '30 days') AND (organiser = $1 OR $1 = ANY(staff))
                """, ownBinds, on: connection, logger: logger)
            return bookings.map { Bookings.event($0, settings: settings) } + meetings.map { MeetingNotices.staffEvent($0, settings: settings) }
        }
        let document = ICalendarWriter(method: .publish, calendarName: "AttendancePathway – \(found.label)").document(events.sorted { $0.start < $1.start })
        return Response(status: .ok, headers: [.contentType: "text/calendar; charset=utf-8", .cacheControl: "private, max-age=300"],
                        body: .init(byteBuffer: ByteBuffer(string: document)))
    }
}
