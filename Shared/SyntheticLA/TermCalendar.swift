import AttendanceDomain

/// The school days of a generated term or year: weekdays minus half-terms, holidays and bank holidays.
public struct TermCalendar: Sendable {
    public let schoolDays: [SchoolDate]
    /// Days with no school inside the period (bank holidays, half-term), for the record.
    public let closures: [SchoolDate]

    /// The summer term 2026 (13 April to 22 July): the May Day bank holiday and the half-term week of the
    /// spring bank holiday fall inside it. In the past, so every register is acceptable today.
    public static let summer2026 = TermCalendar(
        from: SchoolDate(iso: "2026-04-13")!, to: SchoolDate(iso: "2026-07-22")!,
        closed: [("2026-05-04", "2026-05-04"), ("2026-05-25", "2026-05-29")])

    /// The academic year 2025/26 with its three holidays, three half-terms and the bank holidays.
    public static let year2025to26 = TermCalendar(
        from: SchoolDate(iso: "2025-09-03")!, to: SchoolDate(iso: "2026-07-22")!,
        closed: [("2025-10-27", "2025-10-31"), ("2025-12-22", "2026-01-02"), ("2026-02-16", "2026-02-20"),
                 ("2026-03-30", "2026-04-10"), ("2026-05-04", "2026-05-04"), ("2026-05-25", "2026-05-29")])

    public init(from start: SchoolDate, to end: SchoolDate, closed: [(String, String)]) {
        let ranges = closed.map { SchoolDate(iso: $0.0)!...SchoolDate(iso: $0.1)! }
        var days: [SchoolDate] = [], closures: [SchoolDate] = []
        var day = start
        while day <= end {
            if !day.isWeekend {
                if ranges.contains(where: { $0.contains(day) }) { closures.append(day) } else { days.append(day) }
            }
            day = day.adding(days: 1)
        }
        schoolDays = days
        self.closures = closures
    }

    /// The first `count` school days only (and the closures among them), for a shorter run.
    public func prefix(schoolDays count: Int) -> TermCalendar {
        let days = Array(schoolDays.prefix(count))
        return TermCalendar(schoolDays: days, closures: closures.filter { day in days.last.map { day < $0 } ?? false })
    }

    private init(schoolDays: [SchoolDate], closures: [SchoolDate]) {
        self.schoolDays = schoolDays
        self.closures = closures
    }

    /// Whether the next school day comes after a break of more than a weekend (half-term, holiday).
    public func isBeforeABreak(_ index: Int) -> Bool {
        guard index + 1 < schoolDays.count else { return true }
        return schoolDays[index].days(to: schoolDays[index + 1]) > 3
    }
}
