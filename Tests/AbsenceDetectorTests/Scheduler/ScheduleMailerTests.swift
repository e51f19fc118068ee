import AttendanceDomain
import Events
import Foundation
import Hummingbird
@testable import MeetingScheduler
import PostgresNIO
import ServiceRuntime
import TestSupport
import Testing

/// Targeting support meetings, the panel's agendas, each person's week ahead and the reminder of a request not decided
/// in time: the rules worked by hand, then the service on the real broker and PostgreSQL, its mailer driven by the
/// test's clock and its calendars read by Python's icalendar.
@Suite("targeting support meetings and the scheduler's mailings", .serialized, .timeLimit(.minutes(4)))
struct ScheduleMailerTests {
    static func date(_ iso: String) -> SchoolDate { SchoolDate(iso: iso)! }

    @Test func papersAreDueTwoWorkingDaysBeforeAndTheWeekAheadGoesOnTheWeeksLastWorkingDay() {
        #expect(ScheduleMailer.papersDue(Self.date("2026-12-08"), workingDays: 2) == Self.date("2026-12-04"))
        // Christmas Day and the Boxing Day holiday (Monday 28 December 2026) are not working days.
        #expect(ScheduleMailer.papersDue(Self.date("2026-12-29"), workingDays: 2) == Self.date("2026-12-23"))
        let friday = Self.date("2026-12-04")
        #expect(ScheduleMailer.weekAhead(now: .init(date: friday, minutes: 14 * 60 + 59), at: 15 * 60) == nil)
        #expect(ScheduleMailer.weekAhead(now: .init(date: friday, minutes: 15 * 60), at: 15 * 60) == Self.date("2026-12-07"))
        #expect(ScheduleMailer.weekAhead(now: .init(date: Self.date("2026-12-03"), minutes: 16 * 60), at: 15 * 60) == nil)
        #expect(ScheduleMailer.weekAhead(now: .init(date: Self.date("2026-12-05"), minutes: 9 * 60), at: 15 * 60) == Self.date("2026-12-07"))
        // Good Friday 2027 is 26 March: that week's last working day is Thursday the 25th.
        #expect(ScheduleMailer.weekAhead(now: .init(date: Self.date("2027-03-25"), minutes: 15 * 60), at: 15 * 60) == Self.date("2027-03-29"))
        var settings = SchedulerSettings()
        settings.acceptWorkingDays = 2
        // Received on Friday evening (London): accepted or returned by Tuesday.
        #expect(ScheduleMailer.acceptBy(LondonTime.utc(.init(date: Self.date("2026-12-04"), minutes: 18 * 60)), settings: settings) == Self.date("2026-12-08"))
    }

    static func school(_ urn: String, _ phase: String, roll: Int, pa: Int, rate: Double) -> TsmPlanner.School {
        TsmPlanner.School(schoolUrn: urn, phase: phase, roll: roll, persistentAbsentees: pa, attendancePercent: rate, champion: "lead@\(urn).sch.example")
    }

    static let schools = [
        school("100001", "primary", roll: 200, pa: 5, rate: 95),       // the rest; 45 minutes
        school("100002", "secondary", roll: 1_200, pa: 130, rate: 92), // secondary; 30 + 7 × 15 + 15, capped at 90
        school("100003", "primary", roll: 400, pa: 30, rate: 93),      // primary over 350; 60
        school("100004", "special", roll: 80, pa: 20, rate: 88),       // below 90%; 45
        school("100005", "primary", roll: 300, pa: 40, rate: 86),      // below 90%, lowest; 60
        school("100006", "primary", roll: 500, pa: 60, rate: 89.9),    // below 90%; 75
    ]

    @Test func targetingSupportMeetingsAreBookedInDevonsOrderAndLaidEndToEnd() {
        #expect(TsmPlanner.ordered(Self.schools).map(\.schoolUrn) == ["100005", "100004", "100006", "100002", "100003", "100001"])
        #expect(Self.schools.map(TsmPlanner.length) == [45, 90, 60, 45, 60, 75])
        let days = [Self.date("2027-01-12"), Self.date("2027-01-13")]
        let (placed, unplaced) = TsmPlanner.plan(Self.schools, days: days, hours: 9 * 60...12 * 60)
        let shown = placed.map { "\($0.rank) \($0.schoolUrn) \($0.date.iso) \(LondonTime.clock($0.start))+\($0.minutes)" }
        #expect(shown == ["1 100005 2027-01-12 09:00+60", "2 100004 2027-01-12 10:15+45", "3 100006 2027-01-13 09:00+75",
                          "4 100002 2027-01-13 10:30+90", "6 100001 2027-01-12 11:15+45"], "\(shown)")
        #expect(unplaced == ["100003"])
    }

    @Test func aRoundInvitesEverySchoolAndTheMailerSendsAgendasWeeksAndRemindersOnce() async throws {
        try await PathwayHarness.with { pathway in
            let scheduler = pathway.services.others[2]
            func call(_ method: HTTPRequest.Method, _ path: String, as token: String, _ body: String? = nil) async throws -> AccessFixture.Answer {
                try await AccessFixture.call(scheduler, method, path, token: token, body: body)
            }
            let admin = try await TestIdentity.token([.laAdmin], subject: "admin-1")
            let chair = try await TestIdentity.token([.panelChair], subject: "chair-1")
            let today = SchoolDate.today, calendar = WorkingCalendar()

            // A term's TSMs: three schools over the next working day, in order, each school's champion invited.
            let day = calendar.adding(workingDays: 1, to: today)
            let round = #"{"name": "Spring term TSMs", "firstDate": "\#(day.iso)", "untilDate": "\#(day.iso)", "spoc": "officer-1", "earlyHelp": "early-help@la.example", "schools": [\#(try Self.json([Self.schools[0], Self.schools[4], Self.schools[1]]))]}"#
            #expect(try await call(.post, "/v1/tsm-rounds", as: chair, round).status == 403)
            let created = try await call(.post, "/v1/tsm-rounds", as: admin, round)
            #expect(created.status == 201, "\(created.text)")
            let meetings = (created.json["meetings"] as? [[String: Any]]) ?? []
            #expect(meetings.map { $0["schoolUrn"] as? String ?? "" } == ["100005", "100002", "100001"], "\(created.text)")
            let roundID = try #require(created.json["roundId"] as? String)
            let shown = try await call(.get, "/v1/tsm-rounds/\(roundID)", as: try await pathway.manager("manager-1"))
            #expect(((shown.json["meetings"] as? [Any]) ?? []).count == 3)
            // An officer sees the meetings of their own schools only (none of these).
            let officers = try await call(.get, "/v1/tsm-rounds/\(roundID)", as: try await pathway.officer())
            #expect(officers.status == 200 && ((officers.json["meetings"] as? [Any]) ?? [1]).isEmpty, "\(officers.text)")
            let schema = try await SchedulerFixture.schema(pathway.services.detectorPostgres, table: "tsm_rounds", column: "round_id", value: roundID)
            let invitations = try await SchedulerFixture.outboxRequests(pathway.services.detectorPostgres, schema: schema)
                .filter { $0["templateKey"] as? String == "meeting_invitation" }
            // Named by email address, the school's champion and early help are mailed at that address (as lead professionals).
            #expect(invitations.filter { ($0["fields"] as? [String: String])?["recipient"]?.contains("@") == true }.allSatisfy { $0["audience"] as? String == "lead_professional" })
            #expect(invitations.count == 9 && Set(invitations.compactMap { ($0["fields"] as? [String: String])?["recipient"] })
                    == ["officer-1", "early-help@la.example", "lead@100005.sch.example", "lead@100002.sch.example", "lead@100001.sch.example"])
            let tsmCalendars = try await ICalendarCheck.read(invitations.compactMap { ($0["fields"] as? [String: String])?["ics"] })
            #expect(tsmCalendars.allSatisfy { $0.problems.isEmpty && $0.method == "REQUEST" }, "\(tsmCalendars.flatMap(\.problems))")
            #expect(tsmCalendars.contains { $0.events.first?.summary == "Targeting support meeting – school 100005" && $0.events.first?.start.hasSuffix(":00:00Z") == true })

            // A weekly panel from today; two requests, one accepted and booked, one left undecided.
            let series = #"{"name": "Panel", "weekday": 2, "starts": "09:30", "ends": "11:00", "slotMinutes": 30, "bufferMinutes": 5, "everyWeeks": 1, "firstDate": "\#(today.iso)", "untilDate": "\#(today.adding(days: 120).iso)", "overflow": 0, "chair": "chair-1", "members": ["member-1"]}"#
            #expect(try await call(.post, "/v1/panel-series", as: admin, series).status == 201)
            let booked = SchedulerTests.request("AP-M-A", severe: true, rate: 40), waiting = SchedulerTests.request("AP-M-B", rate: 80)
            for request in [booked, waiting] {
                try await pathway.send(request, type: MeetingRequested.type, topic: TopicCatalogue.meetingRequests, key: request.caseId)
            }
            let queue = try await AccessFixture.until(scheduler, "/v1/requests", token: chair) { $0.text.contains("AP-M-A") && $0.text.contains("AP-M-B") }
            let acceptBy = ((queue.json["requests"] as? [[String: Any]]) ?? []).first?["acceptBy"] as? String
            #expect(acceptBy == calendar.adding(workingDays: 2, to: today).iso, "\(queue.text)")
            #expect(try await call(.post, "/v1/requests/\(booked.referralId)/accept", as: chair).status == 200)
            let run = try await call(.post, "/v1/allocation-runs", as: chair)
            let startsAt = try #require((run.json["booked"] as? [[String: Any]])?.first?["startsAt"] as? String, "\(run.text)")
            let session = LondonTime.local(try Date(startsAt, strategy: .iso8601)).date

            // The Friday (the week's last working day) before the session, at 16:00: its agenda and everyone's week ahead.
            let week = session.weekStart
            let lastWorking = (1...7).map { week.adding(days: -$0) }.first(where: calendar.isWorkingDay)!
            try await TestEnvironment.withPostgresKeepingSchema(schema: schema) { postgres in
                let settings = SchedulerSettings()
                func tick(_ local: LondonTime.Local) async throws -> ScheduleMailer.Sent {
                    try await postgres.withTransaction(logger: TestEnvironment.logger) { connection in
                        try await ScheduleMailer.tick(now: LondonTime.utc(local), settings: settings, on: connection, logger: TestEnvironment.logger)
                    }
                }
                let before = try await tick(.init(date: lastWorking, minutes: 14 * 60))
                #expect(before.weekly == 0, "not before 15:00")
                let friday = try await tick(.init(date: lastWorking, minutes: 16 * 60))
                #expect(before.agendas + friday.agendas == 1 && friday.weekly == 3, "\(before) \(friday)")
                #expect(try await tick(.init(date: lastWorking, minutes: 16 * 60 + 5)) == .init(), "each is sent once")
                // The undecided request's reminder: once its accept-by day has passed (on whichever tick that is first).
                let later = try await tick(.init(date: calendar.adding(workingDays: 3, to: today), minutes: 9 * 60))
                #expect(before.reminders + friday.reminders + later.reminders == 1, "\(before) \(friday) \(later)")
                #expect(try await tick(.init(date: calendar.adding(workingDays: 4, to: today), minutes: 9 * 60)).reminders == 0)
            }
            let mailed = try await SchedulerFixture.outboxRequests(pathway.services.detectorPostgres, schema: schema)
            // The booked session's agenda (another session's papers may fall due by the later ticks: not asserted here).
            let agendas = mailed.filter { $0["templateKey"] as? String == "panel_agenda" && (($0["fields"] as? [String: String])?["items"] ?? "").contains("case AP-M-A") }
            #expect(agendas.count == 3 && Set(agendas.compactMap { ($0["fields"] as? [String: String])?["recipient"] }) == ["chair-1", "member-1", "officer-1"])
            let weekly = mailed.filter { $0["templateKey"] as? String == "weekly_schedule" && (($0["fields"] as? [String: String])?["week"] ?? "") == LondonTime.longDate(week) }
            #expect(weekly.count == 3)
            let reminders = mailed.filter { $0["templateKey"] as? String == "panel_acceptance_overdue" }
            #expect(reminders.count == 1 && reminders.first?["caseId"] as? String == "AP-M-B" && (reminders.first?["fields"] as? [String: String])?["recipient"] == "chair-1")
            let read = try await ICalendarCheck.read((agendas + weekly).compactMap { ($0["fields"] as? [String: String])?["ics"] })
            #expect(read.count == 6 && read.allSatisfy { $0.problems.isEmpty && $0.method == "PUBLISH" }, "\(read.flatMap(\.problems))")
            #expect(read.allSatisfy { !$0.text.contains("Amira") && !$0.text.contains("Okafor") && $0.events.contains { $0.summary.hasSuffix("AP-M-A") } })
            let overdue = try await call(.get, "/v1/requests", as: chair)
            #expect(overdue.json["acceptanceOverdue"] as? [String] == [], "today, nothing is overdue yet: \(overdue.text)")
        }
    }

    static func json(_ schools: [TsmPlanner.School]) throws -> String {
        schools.map { String(decoding: try! JSONEncoder().encode($0), as: UTF8.self) }.joined(separator: ", ")
    }
}
