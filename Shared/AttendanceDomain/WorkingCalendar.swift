/// A school's terms as the LA publishes them (a school may have its own), and its closures (INSET days).
public struct TermDates: Sendable, Hashable, Codable {
    public struct Term: Sendable, Hashable, Codable {
        public var start: SchoolDate
        public var end: SchoolDate
        public init(start: SchoolDate, end: SchoolDate) {
            self.start = start
            self.end = end
        }
    }

    /// Terms, or half-terms: the days between two of them are holidays.
    public var terms: [Term]
    /// Days within a term when the school is closed to pupils (INSET days, a polling station).
    public var closures: [SchoolDate]

    public init(terms: [Term], closures: [SchoolDate] = []) {
        self.terms = terms.sorted { $0.start < $1.start }
        self.closures = closures
    }
}

/// Counting in the units the pathway's timers use (shared/PATHWAY.md §6): working days (Monday to
/// Friday, not bank holidays), school days (working days in term, not closures) and school weeks.
///
/// Without term dates (or past the last term published) every working day counts as a school day: timers
/// then run short, never long, of the LA's calendar, and the worklist shows them early rather than late.
public struct WorkingCalendar: Sendable {
    public let termDates: TermDates?
    /// Bank holidays the rules cannot know, from the LA's settings.
    public let extraHolidays: Set<SchoolDate>

    public init(termDates: TermDates? = nil, extraHolidays: some Sequence<SchoolDate> = []) {
        self.termDates = termDates
        self.extraHolidays = Set(extraHolidays)
    }

    public func isWorkingDay(_ date: SchoolDate) -> Bool {
        !date.isWeekend && !extraHolidays.contains(date) && !EnglandBankHolidays.isBankHoliday(date)
    }

    public func isSchoolDay(_ date: SchoolDate) -> Bool {
        guard isWorkingDay(date) else { return false }
        // Past the last term the LA has published, the calendar is not known yet: working days count.
        guard let termDates, let last = termDates.terms.map(\.end).max(), date <= last else { return true }
        return !termDates.closures.contains(date) && termDates.terms.contains { $0.start <= date && date <= $0.end }
    }

    /// The `count`-th working day after `date` (the day itself is not counted).
    public func adding(workingDays count: Int, to date: SchoolDate) -> SchoolDate {
        step(count, from: date, where: isWorkingDay)
    }

    /// The `count`-th school day after `date` (the day itself is not counted).
    public func adding(schoolDays count: Int, to date: SchoolDate) -> SchoolDate {
        step(count, from: date, where: isSchoolDay)
    }

    /// A period of `weeks` school weeks beginning on the first school day after `date`: it ends on the last
    /// school day before the same weekday `weeks` school weeks later. A school week is a calendar week
    /// (Monday to Sunday) with a school day in it; a week without one (a half-term) lengthens the period.
    public func period(ofSchoolWeeks weeks: Int, after date: SchoolDate) -> ClosedRange<SchoolDate> {
        precondition(weeks > 0, "a period has at least one week")
        let start = adding(schoolDays: 1, to: date)
        var cursor = start, counted = 0
        while counted < weeks {
            let monday = cursor.weekStart
            if (0..<5).contains(where: { isSchoolDay(monday.adding(days: $0)) }) { counted += 1 }
            cursor = cursor.adding(days: 7)
        }
        var end = cursor.adding(days: -1)
        while !isSchoolDay(end) { end = end.adding(days: -1) }
        return start...end
    }

    private func step(_ count: Int, from date: SchoolDate, where counts: (SchoolDate) -> Bool) -> SchoolDate {
        precondition(count >= 0, "a count of days is not negative")
        var cursor = date, counted = 0
        while counted < count {
            cursor = cursor.adding(days: 1)
            if counts(cursor) { counted += 1 }
        }
        return cursor
    }
}
