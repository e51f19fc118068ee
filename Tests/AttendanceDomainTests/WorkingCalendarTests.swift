import AttendanceDomain
import Testing

/// Bank holidays, working days, school days and school-week periods, checked against GOV.UK's published dates.
struct WorkingCalendarTests {
    static func day(_ iso: String) -> SchoolDate { SchoolDate(iso: iso)! }

    @Test func englandsBankHolidaysMatchThePublishedLists() {
        // gov.uk/bank-holidays, England and Wales.
        #expect(EnglandBankHolidays.dates(in: 2026).map(\.iso) == [
            "2026-01-01", "2026-04-03", "2026-04-06", "2026-05-04", "2026-05-25", "2026-08-31", "2026-12-25", "2026-12-28"])
        #expect(EnglandBankHolidays.dates(in: 2027).map(\.iso) == [
            "2027-01-01", "2027-03-26", "2027-03-29", "2027-05-03", "2027-05-31", "2027-08-30", "2027-12-27", "2027-12-28"])
        // Proclaimed changes: the Platinum Jubilee moved the spring holiday and added one; the Queen's funeral.
        #expect(EnglandBankHolidays.dates(in: 2022).map(\.iso) == [
            "2022-01-03", "2022-04-15", "2022-04-18", "2022-05-02", "2022-06-02", "2022-06-03", "2022-08-29", "2022-09-19", "2022-12-26", "2022-12-27"])
        #expect(EnglandBankHolidays.dates(in: 2023).contains(Self.day("2023-05-08")))
    }

    @Test func workingDaysSkipWeekendsAndBankHolidays() {
        let calendar = WorkingCalendar()
        // Thursday 24 December 2026: Friday is Christmas, then the weekend, then Boxing Day's substitute.
        #expect(calendar.adding(workingDays: 1, to: Self.day("2026-12-24")) == Self.day("2026-12-29"))
        #expect(calendar.adding(workingDays: 2, to: Self.day("2026-12-29")) == Self.day("2026-12-31"))
        #expect(calendar.adding(workingDays: 1, to: Self.day("2026-12-31")) == Self.day("2027-01-04"))
        // An LA's own extra day counts as a holiday too.
        let extra = WorkingCalendar(extraHolidays: [Self.day("2026-12-29")])
        #expect(extra.adding(workingDays: 1, to: Self.day("2026-12-24")) == Self.day("2026-12-30"))
    }

    static let autumn2026 = TermDates(terms: [
        .init(start: day("2026-09-02"), end: day("2026-10-23")),
        .init(start: day("2026-11-02"), end: day("2026-12-18")),
    ], closures: [day("2026-11-02")])

    @Test func schoolDaysFollowTheTermDates() {
        let calendar = WorkingCalendar(termDates: Self.autumn2026)
        #expect(calendar.isSchoolDay(Self.day("2026-10-23")))
        #expect(!calendar.isSchoolDay(Self.day("2026-10-26")))  // half-term
        #expect(!calendar.isSchoolDay(Self.day("2026-11-02")))  // an INSET day
        #expect(calendar.adding(schoolDays: 1, to: Self.day("2026-10-23")) == Self.day("2026-11-03"))
        #expect(calendar.isSchoolDay(Self.day("2027-01-05")))  // past the published terms: working days count
    }

    @Test func aPeriodOfSchoolWeeksIsLengthenedByAHalfTermButNotByAShortWeek() {
        let calendar = WorkingCalendar(termDates: Self.autumn2026)
        // Received Wednesday 14 October: from Thursday 15 October, six school weeks; half-term week 26-30 October is not one.
        #expect(calendar.period(ofSchoolWeeks: 6, after: Self.day("2026-10-14")) == Self.day("2026-10-15")...Self.day("2026-12-02"))
        // In term throughout: six calendar weeks.
        #expect(calendar.period(ofSchoolWeeks: 6, after: Self.day("2026-09-08")) == Self.day("2026-09-09")...Self.day("2026-10-20"))
        // Three weeks from Monday 2 November (an INSET day): the period starts on the next school day.
        #expect(calendar.period(ofSchoolWeeks: 3, after: Self.day("2026-10-30")) == Self.day("2026-11-03")...Self.day("2026-11-23"))
    }
}
