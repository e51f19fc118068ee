import AttendanceDomain
import Events
import Foundation
import Hummingbird
@testable import MeetingScheduler
import ServiceRuntime
import TestSupport
import Testing

/// meeting-scheduler on a real broker and PostgreSQL: requests booked by urgency into panel sessions, moves and
/// cancellations as calendar updates, outcomes by the chair alone, and feeds read by Python's icalendar.
@Suite("the AttendancePathway panel's calendar", .serialized, .timeLimit(.minutes(4)))
struct SchedulerTests {
    /// Weekly on Tuesdays 09:30-10:40 from today for four months, two 30-minute slots and one overflow; no panel on
    /// the third Tuesday (a school holiday, say). Relative to today, so the test means the same on any day it runs.
    static var firstTuesday: SchoolDate { let today = SchoolDate.today; return today.adding(days: (2 - today.weekday + 7) % 7) }
    static var skipped: SchoolDate { firstTuesday.adding(days: 14) }
    static var series: String {
        #"""
        {"name": "AttendancePathway panel", "weekday": 2, "starts": "09:30", "ends": "10:40", "slotMinutes": 30, "bufferMinutes": 5,
         "everyWeeks": 1, "firstDate": "\#(SchoolDate.today.iso)", "untilDate": "\#(SchoolDate.today.adding(days: 120).iso)", "overflow": 1,
         "chair": "chair-1", "members": ["member-1"], "skipDates": ["\#(skipped.iso)"]}
        """#
    }

    /// 09:30 London on that day, as the calendar's parser gives it (UTC).
    static func nineThirty(_ date: SchoolDate) -> String { LondonTime.utc(.init(date: date, minutes: 570)).formatted(.iso8601) }

    static func request(_ caseID: String, severe: Bool = false, rate: Double, deadline: String? = nil) -> MeetingRequested {
        MeetingRequested(caseId: caseID, referralId: "R-\(caseID)-1", upn: "A801000000001", forename: "Amira", surname: "Okafor", dateOfBirth: "2014-03-09",
                         schoolUrn: "100700", schoolName: nil, leadProfessional: .init(subject: "officer-1", name: "Sam Reid", service: "la_attendance"),
                         urgency: .init(attendancePercent: rate, severeAbsence: severe, hardDeadline: deadline), requiredAttendees: ["officer-1"])
    }

    @Test func requestsAreBookedByUrgencyMovedCancelledAndPublishedAsCalendars() async throws {
        try await PathwayHarness.with { pathway in
            let scheduler = pathway.services.others[2]
            func call(_ method: HTTPRequest.Method, _ path: String, as token: String, _ body: String? = nil) async throws -> AccessFixture.Answer {
                try await AccessFixture.call(scheduler, method, path, token: token, body: body)
            }
            let admin = try await TestIdentity.token([.laAdmin], subject: "admin-1")
            let chair = try await TestIdentity.token([.panelChair], subject: "chair-1")
            let created = try await call(.post, "/v1/panel-series", as: admin, Self.series)
            #expect(created.status == 201, "\(created.text)")
            let sessions = ((created.json["sessions"] as? [String]) ?? []).compactMap { SchoolDate(iso: $0) }
            #expect(sessions.first == Self.firstTuesday && !sessions.contains(Self.skipped) && sessions.allSatisfy { $0.weekday == 2 || !WorkingCalendar().isWorkingDay($0) })
            // The sessions a request accepted today can go to: at least 3 working days ahead.
            let upcoming = sessions.filter { $0 >= WorkingCalendar().adding(workingDays: 3, to: .today) }
            #expect(upcoming.count >= 5)
            #expect(created.json["capacity"] as? Int == 2)

            // Five requests: two ordinary (A then E), two severe (B at 40%, C at 30%), one with a deadline in 3 weeks (D).
            let requests = [Self.request("AP-T-A", rate: 80), Self.request("AP-T-B", severe: true, rate: 40), Self.request("AP-T-C", severe: true, rate: 30),
                            Self.request("AP-T-D", rate: 85, deadline: SchoolDate(dayNumber: Int(Date().timeIntervalSince1970 / 86_400) + 21).iso), Self.request("AP-T-E", rate: 70)]
            for request in requests {
                try await pathway.send(request, type: MeetingRequested.type, topic: TopicCatalogue.meetingRequests, key: request.caseId)
            }
            let queue = try await AccessFixture.until(scheduler, "/v1/requests", token: chair) { (($0.json["requests"] as? [Any]) ?? []).count == 5 }
            #expect(!queue.text.contains("Amira") && !queue.text.contains("Okafor"))
            for request in requests {
                #expect(try await call(.post, "/v1/requests/\(request.referralId)/accept", as: chair).status == 200)
            }
            #expect(try await call(.post, "/v1/requests/R-AP-T-A-1/accept", as: chair).status == 409)  // decided already
            let run = try await call(.post, "/v1/allocation-runs", as: admin)
            #expect(run.status == 200, "\(run.text)")
            let booked = (run.json["booked"] as? [[String: Any]]) ?? []
            let placed = booked.map { "\($0["caseId"] as? String ?? "") \(($0["sessionId"] as? String ?? "").suffix(10)) \($0["slot"] as? Int ?? -1)" }
            // Accepted today: a session inside the 3 working days' lead time is passed over. The deadline first, then the severe
            // (lowest attendance first), then by acceptance; the rest overflow to the next sessions.
            #expect(placed == ["AP-T-D \(upcoming[0].iso) 0", "AP-T-C \(upcoming[0].iso) 1", "AP-T-B \(upcoming[1].iso) 0", "AP-T-A \(upcoming[1].iso) 1",
                               "AP-T-E \(upcoming[2].iso) 0"], "\(run.text)")
            let again = try await call(.post, "/v1/allocation-runs", as: admin)
            #expect(((again.json["booked"] as? [Any]) ?? []).isEmpty, "a second run books nothing new: \(again.text)")

            // A move keeps the UID and raises the SEQUENCE; a cancellation is a CANCEL; both go to every attendee.
            let bookingA = try #require(booked.first { $0["caseId"] as? String == "AP-T-A" }?["bookingId"] as? String)
            let bookingB = try #require(booked.first { $0["caseId"] as? String == "AP-T-B" }?["bookingId"] as? String)
            let later = upcoming[4]
            let seriesID = try #require(created.json["seriesId"] as? String)
            let moved = try await call(.post, "/v1/bookings/\(bookingA)/move", as: chair, #"{"sessionId": "\#(seriesID)-\#(later.iso)", "reason": "lead professional on leave"}"#)
            #expect(moved.status == 200 && moved.json["sequence"] as? Int == 1, "\(moved.text)")
            #expect(try await call(.post, "/v1/bookings/\(bookingB)/cancel", as: chair, #"{"reason": "case closed"}"#).status == 200)
            let invitations = try await pathway.published(TopicCatalogue.notificationRequests, type: NotificationRequested.type, count: 5 * 3 + 3 + 3)
            let documents = invitations.compactMap { ($0["fields"] as? [String: String])?["ics"] }
            let read = try await ICalendarCheck.read(documents)
            #expect(read.allSatisfy { $0.problems.isEmpty }, "\(read.flatMap { $0.problems })")
            let uidA = "booking-\(bookingA.lowercased())@la.example"
            let aVersions = read.flatMap(\.events).filter { $0.uid == uidA }
            #expect(Set(aVersions.map(\.sequence)) == [0, 1] && aVersions.first { $0.sequence == 1 }?.start == Self.nineThirty(later), "\(aVersions)")
            #expect(read.contains { $0.method == "CANCEL" && $0.events.first?.uid == "booking-\(bookingB.lowercased())@la.example" && $0.events.first?.status == "CANCELLED" })
            #expect(Set(invitations.compactMap { ($0["fields"] as? [String: String])?["recipient"] }) == ["chair-1", "member-1", "officer-1"])

            // The chair's feed: every booking, the cancelled one marked, no name; revoked, it is gone.
            let feed = try await call(.post, "/v1/calendar-feeds", as: chair, #"{"label": "phone"}"#)
            let path = try #require(feed.json["path"] as? String)
            let ics = try await AccessFixture.call(scheduler, .get, path, token: nil)
            #expect(ics.status == 200 && ics.headers[.contentType]?.hasPrefix("text/calendar") == true)
            let calendar = try #require(try await ICalendarCheck.read([ics.text]).first)
            #expect(calendar.problems.isEmpty && calendar.method == "PUBLISH", "\(calendar.problems)")
            #expect(calendar.events.count == 5 && calendar.events.filter { $0.status == "CANCELLED" }.count == 1)
            #expect(calendar.events.first { $0.summary.hasSuffix("AP-T-D") }?.start == Self.nineThirty(upcoming[0]))
            #expect(!calendar.text.contains("Amira") && !calendar.text.contains("Okafor") && !calendar.text.contains("2014-03-09"))
            #expect(try await call(.post, "/v1/calendar-feeds/phone/revoke", as: chair).status == 200)
            #expect(try await AccessFixture.call(scheduler, .get, path, token: nil).status == 404)

            // Outcomes: the session's chair only, once.
            let bookingD = try #require(booked.first { $0["caseId"] as? String == "AP-T-D" }?["bookingId"] as? String)
            let outcome = #"{"outcome": "approve_enforcement_referral", "rationale": "support refused throughout"}"#
            let otherChair = try await TestIdentity.token([.panelChair], subject: "chair-2")
            #expect(try await call(.post, "/v1/bookings/\(bookingD)/outcome", as: otherChair, outcome).status == 403)
            #expect(try await call(.post, "/v1/bookings/\(bookingD)/outcome", as: try await pathway.officer(), outcome).status == 403)
            #expect(try await call(.post, "/v1/bookings/\(bookingD)/outcome", as: chair, outcome).status == 201)
            #expect(try await call(.post, "/v1/bookings/\(bookingD)/outcome", as: chair, outcome).status == 200)
            #expect(try await call(.post, "/v1/bookings/\(bookingD)/outcome", as: chair, #"{"outcome": "deferred", "rationale": "no"}"#).status == 409)
            let outcomes = try await pathway.published(TopicCatalogue.meetingOutcomes, type: MeetingOutcomeRecorded.type)
            #expect(outcomes.count == 1 && outcomes.first?["outcome"] as? String == "approve_enforcement_referral")
        }
    }

    @Test func aReferredCaseIsBookedAndThePanelsApprovalReachesTheCase() async throws {
        try await PathwayHarness.with { pathway in
            let scheduler = pathway.services.others[2]
            let admin = try await TestIdentity.token([.laAdmin], subject: "admin-1")
            let chair = try await TestIdentity.token([.panelChair], subject: "chair-1")
            #expect(try await AccessFixture.call(scheduler, .post, "/v1/panel-series", token: admin, body: Self.series).status == 201)
            try await pathway.profile()
            try await pathway.signal(.persistentAbsence)
            let id = try await pathway.caseID()
            let referred = try await pathway.refer(id)
            let referral = try #require(referred.json["referralId"] as? String, "\(referred.text)")
            try await AccessFixture.until(scheduler, "/v1/requests", token: chair) { $0.text.contains(referral) }
            #expect(try await AccessFixture.call(scheduler, .post, "/v1/requests/\(referral)/accept", token: chair).status == 200)
            let run = try await AccessFixture.call(scheduler, .post, "/v1/allocation-runs", token: chair)
            let booking = try #require((run.json["booked"] as? [[String: Any]])?.first?["bookingId"] as? String, "\(run.text)")
            let manager = try await pathway.manager("reader")
            try await pathway.until("/v1/cases/\(id)", as: manager) { (($0.json["referrals"] as? [[String: String]])?.first?["state"]) == "booked" }
            let outcome = try await AccessFixture.call(scheduler, .post, "/v1/bookings/\(booking)/outcome", token: chair,
                                                       body: #"{"outcome": "approve_enforcement_referral", "rationale": "support refused throughout"}"#)
            #expect(outcome.status == 201, "\(outcome.text)")
            let approved = try await pathway.until("/v1/cases/\(id)", as: manager) { (($0.json["case"] as? [String: Any])?["status"] as? String) == "enforcement_approved" }
            #expect((approved.json["case"] as? [String: Any])?["stage"] as? Int == 5)
        }
    }
}
