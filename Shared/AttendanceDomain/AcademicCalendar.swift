/// An English academic year: 1 August to 31 July. The school year begins with the first term after July
/// (Education Act 1996 s.579), and some schools start in late August, so August belongs to the new year.
/// `AcademicYear(startYear: 2026)` is 2026/27.
public struct AcademicYear: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    public let startYear: Int

    public init(startYear: Int) { self.startYear = startYear }

    /// The academic year a date falls in.
    public init(containing date: SchoolDate) {
        startYear = date.month >= 8 ? date.year : date.year - 1
    }

    public var firstDay: SchoolDate { SchoolDate(year: startYear, month: 8, day: 1)! }
    public var lastDay: SchoolDate { SchoolDate(year: startYear + 1, month: 7, day: 31)! }
    public func contains(_ date: SchoolDate) -> Bool { date >= firstDay && date <= lastDay }

    /// `2026/27`.
    public var description: String {
        let next = (startYear + 1) % 100
        return "\(startYear)/\(next < 10 ? "0" : "")\(next)"
    }

    public static func < (lhs: AcademicYear, rhs: AcademicYear) -> Bool { lhs.startYear < rhs.startYear }
}

/// Windows measured in school days and school weeks, from the days on which sessions actually took place.
///
/// A school week is a calendar week (Monday to Sunday) with at least one session; holidays and
/// half-terms are weeks with none, so they are skipped and a window of 10 school weeks can span more
/// calendar weeks, terms and academic years (DfE's penalty-notice framework).
public struct SchoolCalendar: Sendable {
    /// The days on which the pupil had at least one session, ascending and distinct.
    public private(set) var schoolDays: [SchoolDate]

    public init(schoolDays: some Sequence<SchoolDate>) {
        self.schoolDays = Array(Set(schoolDays)).sorted()
    }

    /// The school weeks (identified by their Monday) that contain at least one school day, ascending.
    public var schoolWeeks: [SchoolDate] {
        var weeks: [SchoolDate] = []
        for day in schoolDays where weeks.last != day.weekStart { weeks.append(day.weekStart) }
        return weeks
    }

    /// The last `count` school weeks ending with the week of `date` (or the latest school week before it).
    /// Returns the first and last calendar days covered, or nil when there are no school days up to `date`.
    public func window(ofSchoolWeeks count: Int, endingAt date: SchoolDate) -> ClosedRange<SchoolDate>? {
        precondition(count > 0, "a window has at least one week")
        let weeks = schoolWeeks.filter { $0 <= date.weekStart }
        guard let lastWeek = weeks.last else { return nil }
        let firstWeek = weeks[max(0, weeks.count - count)]
        let end = min(date, lastWeek.adding(days: 6))
        return firstWeek...end
    }

    /// The last `count` school days up to and including `date`.
    public func window(ofSchoolDays count: Int, endingAt date: SchoolDate) -> ClosedRange<SchoolDate>? {
        precondition(count > 0, "a window has at least one day")
        let days = schoolDays.filter { $0 <= date }
        guard let last = days.last else { return nil }
        return days[max(0, days.count - count)]...last
    }
}
