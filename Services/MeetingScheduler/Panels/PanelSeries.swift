import AttendanceDomain
import Foundation

/// A recurring AttendancePathway panel (shared/PATHWAY.md §3): for example fortnightly, Tuesday 09:30 to
/// 12:30 London time, 30-minute slots with a 5-minute buffer, skipping bank holidays and the dates the LA
/// names (school holidays).
struct PanelSeries: Codable, Sendable, Equatable {
    var name: String
    /// ISO weekday, Monday 1.
    var weekday: Int
    /// `09:30`, London time.
    var starts: String
    var ends: String
    var slotMinutes: Int
    var bufferMinutes: Int
    var everyWeeks: Int
    var firstDate: String
    var untilDate: String
    /// Extra slots a session may take beyond its capacity when the queue overflows.
    var overflow: Int
    /// The chair's subject (a `panel_chair`); the core members' subjects.
    var chair: String
    var members: [String]
    /// Days with no panel: school holidays, a training day.
    var skipDates: [String]?

    struct Problem: Error { var field: String; var reason: String }

    static func minutes(_ text: String) -> Int? {
        let parts = text.split(separator: ":")
        guard parts.count == 2, let hours = Int(parts[0]), let minutes = Int(parts[1]), (0..<24).contains(hours), (0..<60).contains(minutes) else { return nil }
        return hours * 60 + minutes
    }

    /// Each field checked, named when wrong.
    func validated() throws(Problem) -> (start: Int, end: Int, first: SchoolDate, until: SchoolDate, skip: Set<SchoolDate>) {
        guard !name.isEmpty else { throw Problem(field: "name", reason: "must not be empty") }
        guard (1...5).contains(weekday) else { throw Problem(field: "weekday", reason: "expected 1 (Monday) to 5 (Friday)") }
        guard let start = Self.minutes(starts) else { throw Problem(field: "starts", reason: "expected a time written 09:30") }
        guard let end = Self.minutes(ends), end > start else { throw Problem(field: "ends", reason: "expected a time after starts") }
        guard (10...120).contains(slotMinutes) else { throw Problem(field: "slotMinutes", reason: "expected 10 to 120") }
        guard (0...30).contains(bufferMinutes) else { throw Problem(field: "bufferMinutes", reason: "expected 0 to 30") }
        guard slotMinutes <= end - start else { throw Problem(field: "slotMinutes", reason: "longer than the session") }
        guard (1...8).contains(everyWeeks) else { throw Problem(field: "everyWeeks", reason: "expected 1 to 8") }
        guard (0...10).contains(overflow) else { throw Problem(field: "overflow", reason: "expected 0 to 10") }
        guard let first = SchoolDate(iso: firstDate) else { throw Problem(field: "firstDate", reason: "expected a date written 2026-09-08") }
        guard let until = SchoolDate(iso: untilDate), until >= first, first.days(to: until) <= 400 else {
            throw Problem(field: "untilDate", reason: "expected a date on or after firstDate, within 400 days")
        }
        guard !chair.isEmpty else { throw Problem(field: "chair", reason: "must not be empty") }
        var skip: Set<SchoolDate> = []
        for (index, text) in (skipDates ?? []).enumerated() {
            guard let date = SchoolDate(iso: text) else { throw Problem(field: "skipDates[\(index)]", reason: "expected a date written 2026-10-27") }
            skip.insert(date)
        }
        return (start, end, first, until, skip)
    }

    /// The series' sessions: every `everyWeeks` weeks on `weekday` from the first date, except bank holidays
    /// and skipped dates; capacity is the slots that fit with their buffers.
    func sessions(calendar: WorkingCalendar) throws(Problem) -> [PanelSession] {
        let (start, end, first, until, skip) = try validated()
        var day = first.adding(days: (weekday - first.weekday + 7) % 7)
        let capacity = (end - start + bufferMinutes) / (slotMinutes + bufferMinutes)
        var sessions: [PanelSession] = []
        while day <= until {
            if calendar.isWorkingDay(day) && !skip.contains(day) {
                sessions.append(PanelSession(date: day, startsAt: LondonTime.utc(.init(date: day, minutes: start)), endsAt: LondonTime.utc(.init(date: day, minutes: end)),
                                             slotMinutes: slotMinutes, bufferMinutes: bufferMinutes, capacity: capacity, overflow: overflow))
            }
            day = day.adding(days: 7 * everyWeeks)
        }
        return sessions
    }
}

struct PanelSession: Sendable, Equatable {
    var date: SchoolDate
    var startsAt: Date
    var endsAt: Date
    var slotMinutes: Int
    var bufferMinutes: Int
    var capacity: Int
    var overflow: Int

    /// Slot `n`'s start; overflow slots follow the last regular one.
    func slotStart(_ slot: Int) -> Date { startsAt.addingTimeInterval(TimeInterval(slot * (slotMinutes + bufferMinutes) * 60)) }
    func slotEnd(_ slot: Int) -> Date { slotStart(slot).addingTimeInterval(TimeInterval(slotMinutes * 60)) }
}
