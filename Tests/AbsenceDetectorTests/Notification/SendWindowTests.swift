@testable import NotificationService
import Foundation
import Testing

/// When messages may go, in London time (December is GMT, June is BST).
struct SendWindowTests {
    let window = SendWindow(settings: NotificationSettings())

    func at(_ iso: String) throws -> Date { try Date(iso, strategy: .iso8601) }

    @Test func firstDayWaitsForHalfPastNineAndIsTooLateAfterSixInSummerTimeToo() throws {
        #expect(window.firstDay(session: "2026-12-01 AM", now: try at("2026-12-01T08:50:00Z"))?.due == (try at("2026-12-01T09:30:00Z")))
        #expect(window.firstDay(session: "2026-06-16 AM", now: try at("2026-06-16T07:50:00Z"))?.due == (try at("2026-06-16T08:30:00Z")), "09:30 BST")
        #expect(window.firstDay(session: "2026-06-16 PM", now: try at("2026-06-16T11:00:00Z"))?.due == (try at("2026-06-16T13:00:00Z")), "14:00 BST")
        #expect(window.firstDay(session: "2026-12-01 AM", now: try at("2026-12-01T17:59:00Z")) != nil)
        #expect(window.firstDay(session: "2026-12-01 AM", now: try at("2026-12-01T18:00:00Z")) == nil)
        #expect(window.firstDay(session: "2026-11-30 AM", now: try at("2026-12-01T09:00:00Z")) == nil, "yesterday's is stale")
    }

    @Test func familiesAreWrittenToFromEightToSevenOnSchoolDaysOnly() throws {
        #expect(window.outOfQuietHours(try at("2026-12-01T12:00:00Z")) == nil)
        #expect(window.outOfQuietHours(try at("2026-12-01T19:30:00Z")) == (try at("2026-12-02T08:00:00Z")))
        #expect(window.outOfQuietHours(try at("2026-12-02T06:00:00Z")) == (try at("2026-12-02T08:00:00Z")))
        #expect(window.outOfQuietHours(try at("2026-12-04T20:00:00Z")) == (try at("2026-12-07T08:00:00Z")), "Friday evening: Monday")
        #expect(window.outOfQuietHours(try at("2026-12-05T11:00:00Z")) == (try at("2026-12-07T08:00:00Z")), "Saturday: Monday")
    }

    @Test func supportBatchesAndDigestsAreOnSchoolDays() throws {
        #expect(window.supportBatch(after: try at("2026-12-01T10:00:00Z")) == (try at("2026-12-01T16:00:00Z")))
        #expect(window.supportBatch(after: try at("2026-12-04T17:00:00Z")) == (try at("2026-12-07T16:00:00Z")))
        #expect(window.digestDue(now: try at("2026-12-02T07:29:00Z")) == nil)
        #expect(window.digestDue(now: try at("2026-12-02T07:30:00Z"))?.date == "2026-12-02")
        #expect(window.digestDue(now: try at("2026-12-05T09:00:00Z")) == nil, "no digest on a Saturday")
    }
}
