import AttendanceDomain
import Foundation
import Hummingbird
import Logging
import PostgresNIO
import ServiceRuntime

/// `GET /v1/schools/{urn}/unknown-pupils`: pupils with marks at the school whom its roster does not list
/// (stored, not refused: the roster may come later), with the dates and the count of their marks, so the
/// school can correct its roster or its registers. LA staff see the schools they see; a school's lead and
/// its connector their own school; any other school is 404.
struct UnknownPupilsRoutes: Sendable {
    let postgres: PostgresClient
    let logger: Logger

    struct Pupil: Encodable {
        var upn: String
        var firstDate: String
        var lastDate: String
        var marks: Int
    }

    struct Listing: Encodable {
        var schoolUrn: String
        var pupils: [Pupil]
    }

    func add(to api: RouterGroup<ServiceRequestContext>) {
        api.group().add(middleware: RequireRoles(.laOfficer, .laManager, .schoolLead, .misConnector)).get("/v1/schools/:urn/unknown-pupils") { _, context in
            let raw = context.parameters.get("urn") ?? ""
            guard (try? URN(parsing: raw)) != nil else { throw RequestRefused(.badRequest, "urn \(raw.prefix(20)): not a URN (6 digits)") }
            let urn = try context.visibleSchool()
            let rows = try await postgres.query("""
                SELECT m.upn, min(m.date)::text, max(m.date)::text, count(*) FROM marks m
                WHERE m.school_urn = \(urn) AND NOT EXISTS (SELECT 1 FROM pupils p WHERE p.school_urn = m.school_urn AND p.upn = m.upn)
                GROUP BY m.upn ORDER BY m.upn LIMIT 1000
                """, logger: logger)
            var pupils: [Pupil] = []
            for try await (upn, first, last, count) in rows.decode((String, String, String, Int).self) {
                pupils.append(Pupil(upn: upn, firstDate: first, lastDate: last, marks: count))
            }
            context.access.pupils(pupils.map(\.upn))
            return try JSONResponse.make(.ok, Listing(schoolUrn: urn, pupils: pupils))
        }
    }
}
