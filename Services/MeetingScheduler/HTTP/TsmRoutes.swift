import AttendanceDomain
import Events
import Foundation
import Hummingbird
import Logging
import PostgresNIO
import ServiceRuntime

/// A term's targeting support meetings: `POST /v1/tsm-rounds` (la_admin) offers every school listed one meeting, in
/// ``TsmPlanner``'s order, and invites the LA's single point of contact, the school's attendance champion and the
/// early help contact; `GET /v1/tsm-rounds/{round}` shows the round.
struct TsmRoutes: Sendable {
    let postgres: PostgresClient
    let settings: SchedulerSettings
    let logger: Logger

    func add(to api: RouterGroup<ServiceRequestContext>) {
        api.group().add(middleware: RequireRoles([.laAdmin])).post("/v1/tsm-rounds") { request, context in try await create(request, context) }
        api.group().add(middleware: RequireRoles([.laAdmin, .laManager, .laOfficer])).get("/v1/tsm-rounds/:round") { _, context in try await show(context) }

    }

    struct Round: Codable {
        var name: String
        var firstDate: String
        var untilDate: String
        var skipDates: [String]?
        /// The LA's single point of contact for schools (an officer's subject).
        var spoc: String
        var earlyHelp: String?
        var schools: [TsmPlanner.School]
    }

    func create(_ request: Request, _ context: ServiceRequestContext) async throws -> Response {
        let round = try await APIBody.decode(Round.self, request)
        try APIBody.require(!round.name.isEmpty, "name", "must not be empty")
        try APIBody.require(StaffAddress.isValid(round.spoc), "spoc", "name the LA's single point of contact (a subject or email address)")
        if let earlyHelp = round.earlyHelp { try APIBody.require(StaffAddress.isValid(earlyHelp), "earlyHelp", "expected a subject or email address") }
        let first = try APIBody.date(round.firstDate, field: "firstDate"), until = try APIBody.date(round.untilDate, field: "untilDate")
        try APIBody.require(first > .today, "firstDate", "must be after today")
        try APIBody.require(until >= first && first.days(to: until) <= 120, "untilDate", "expected a date on or after firstDate, within 120 days")
        var skip: Set<SchoolDate> = []
        for (index, text) in (round.skipDates ?? []).enumerated() { skip.insert(try APIBody.date(text, field: "skipDates[\(index)]")) }
        try APIBody.require(!round.schools.isEmpty, "schools", "list the LA's schools")
        var seen: Set<String> = []
        for (index, school) in round.schools.enumerated() {
            try APIBody.require(!school.schoolUrn.isEmpty && seen.insert(school.schoolUrn).inserted, "schools[\(index)].schoolUrn", "missing or listed twice")
            try APIBody.require(school.roll >= 0 && school.persistentAbsentees >= 0 && school.persistentAbsentees <= max(school.roll, 0),
                                "schools[\(index)].persistentAbsentees", "expected 0 to the roll")
            try APIBody.require((0...100).contains(school.attendancePercent), "schools[\(index)].attendancePercent", "expected 0 to 100")
            try APIBody.require(StaffAddress.isValid(school.champion), "schools[\(index)].champion", "name the school's attendance champion (a subject or email address)")
        }
        let calendar = WorkingCalendar()
        let days = (0...first.days(to: until)).map { first.adding(days: $0) }.filter { calendar.isWorkingDay($0) && !skip.contains($0) }
        let (placed, unplaced) = TsmPlanner.plan(round.schools, days: days, hours: settings.tsmHours)
        let schools = Dictionary(uniqueKeysWithValues: round.schools.map { ($0.schoolUrn, $0) })
        let caller = try context.caller()
        let id = "TSM-" + UUID().uuidString.prefix(8).lowercased()
        let meetings = try await APITransaction.run(postgres, logger: logger) { connection in
            try await connection.query("""
                INSERT INTO tsm_rounds (round_id, name, definition, created_by)
                VALUES (\(id), \(round.name), \(String(decoding: try JSONEncoder().encode(round), as: UTF8.self))::jsonb, \(caller.subject))
                """, logger: logger)
            var meetings: [Meeting] = []
            for placement in placed {
                let meetingID = UUID(), school = schools[placement.schoolUrn]!
                let staff = [round.spoc, school.champion] + (round.earlyHelp.map { [$0] } ?? [])
                try await connection.query("""
                    INSERT INTO meetings (meeting_id, kind, school_urn, round_id, starts_at, ends_at, status, organiser, staff, details)
                    VALUES (\(meetingID), 'tsm', \(placement.schoolUrn), \(id), \(LondonTime.utc(.init(date: placement.date, minutes: placement.start))),
                            \(LondonTime.utc(.init(date: placement.date, minutes: placement.start + placement.minutes))), 'invited', \(round.spoc), \(staff),
                            jsonb_build_object('rank', \(placement.rank)))
                    """, logger: logger)
                guard let meeting = try await MeetingStore.one(meetingID, on: connection, logger: logger) else { continue }
                try await MeetingNotices.announce(meeting, change: .invited, reason: nil, settings: settings, on: connection, logger: logger)
                meetings.append(meeting)
            }
            return meetings
        }
        return try JSONResponse.make(.created, ["roundId": AnyEncodable(id), "meetings": AnyEncodable(meetings), "unplaced": AnyEncodable(unplaced)])
    }

    func show(_ context: ServiceRequestContext) async throws -> Response {
        let id = context.parameters.get("round") ?? ""
        var binds = PostgresBindings()
        binds.append(id)
        var known = false
        for try await _ in try await postgres.query("SELECT 1 FROM tsm_rounds WHERE round_id = \(id)", logger: logger).decode(Int.self) { known = true }
        guard known else { throw RequestRefused(.notFound, "no round \(id)") }
        // An officer sees their own schools' meetings.
        let caller = try context.caller()
        let meetings = try await postgres.withConnection { connection in
            try await MeetingStore.find(where: "round_id = $1", binds, on: connection, logger: logger)
        }.filter { caller.maySee(school: $0.schoolUrn) }
        return try JSONResponse.make(.ok, ["roundId": AnyEncodable(id), "meetings": AnyEncodable(meetings)])
    }
}
