@testable import MeetingScheduler
import AttendanceDomain
import Foundation
import Testing

/// The scheduler's iCalendar, read back by Python's `icalendar`: line rules, the time zone, the instants
/// on each side of the clock changes, and nothing about the pupil.
struct ICalendarWriterTests {
    static func local(_ iso: String, _ hour: Int, _ minute: Int) -> Date {
        LondonTime.utc(.init(date: SchoolDate(iso: iso)!, minutes: hour * 60 + minute))
    }

    @Test func londonTimeFollowsTheClockChanges() {
        // 2026: BST from 29 March 01:00 UTC to 25 October 01:00 UTC.
        #expect(LondonTime.utcBasic(Self.local("2026-03-27", 9, 30)) == "20260327T093000Z")
        #expect(LondonTime.utcBasic(Self.local("2026-03-31", 9, 30)) == "20260331T083000Z")
        #expect(LondonTime.utcBasic(Self.local("2026-10-23", 9, 30)) == "20261023T083000Z")
        #expect(LondonTime.utcBasic(Self.local("2026-10-27", 9, 30)) == "20261027T093000Z")
        #expect(LondonTime.local(Self.local("2026-07-14", 9, 30)).basic == "20260714T093000")
    }

    @Test func aFeedParsesWithTheClockChangesFoldingAndEscaping() async throws {
        let stamp = Date(timeIntervalSince1970: 1_795_944_000)
        let chair = ICalendarWriter.Attendee(role: "CHAIR", name: "Siobhán Ní Bhriain-Żółkiewska, Chair of the AttendancePathway panel", email: "chair@la.example")
        func event(_ n: Int, _ start: Date, cancelled: Bool = false) -> ICalendarWriter.Event {
            .init(uid: "booking-\(n)@la.example", sequence: n, stamp: stamp, start: start, end: start.addingTimeInterval(1_800),
                  summary: "AttendancePathway panel – case AP-2026-015\(n); room 2, floor 3", url: "https://portal.la.example/cases/AP-2026-015\(n)",
                  cancelled: cancelled, organizer: .init(role: "CHAIR", name: "AttendancePathway panel", email: "panel@la.example"),
                  attendees: [chair, .init(role: "REQ-PARTICIPANT", name: "Sam Reid", email: "sam.reid@la.example")])
        }
        let events = [event(1, Self.local("2026-03-24", 9, 30)), event(2, Self.local("2026-03-31", 9, 30)),
                      event(3, Self.local("2026-10-20", 9, 30)), event(4, Self.local("2026-10-27", 9, 30), cancelled: true)]
        let feed = ICalendarWriter(method: .publish, calendarName: "AttendancePathway panel").document(events)
        let invitation = ICalendarWriter(method: .request, calendarName: "AttendancePathway panel").document([events[1]])
        let read = try await ICalendarCheck.read([feed, invitation])
        #expect(read.allSatisfy { $0.problems.isEmpty }, "\(read.map { $0.problems })")
        #expect(read.map(\.method) == ["PUBLISH", "REQUEST"])
        let parsed = read[0].events
        #expect(parsed.map(\.start) == ["2026-03-24T09:30:00Z", "2026-03-31T08:30:00Z", "2026-10-20T08:30:00Z", "2026-10-27T09:30:00Z"])
        #expect(parsed.map(\.status) == ["CONFIRMED", "CONFIRMED", "CONFIRMED", "CANCELLED"])
        #expect(parsed[0].summary == "AttendancePathway panel – case AP-2026-0151; room 2, floor 3")
        #expect(parsed[0].attendeeNames.first == chair.name)
        #expect(parsed[0].stamp == "2026-11-29T09:20:00Z")  // 1,795,944,000 s after 1970
        // The chair's long non-ASCII name was folded, and read back whole.
        #expect(feed.split(separator: "\r\n").contains { $0.hasPrefix(" ") })
    }

    @Test func foldingNeverSplitsACharacter() {
        let line = "SUMMARY:" + String(repeating: "ż", count: 60)
        let folded = ICalendarWriter.fold(line)
        for piece in folded.components(separatedBy: "\r\n") {
            #expect(piece.utf8.count <= 75)
            #expect(String(validating: Array(piece.utf8), as: UTF8.self) != nil)
        }
        #expect(folded.replacingOccurrences(of: "\r\n ", with: "") == line)
        #expect(ICalendarWriter.escape("a;b,c\\d\ne") == "a\\;b\\,c\\\\d\\ne")
    }
}
