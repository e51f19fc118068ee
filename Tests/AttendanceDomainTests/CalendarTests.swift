import AttendanceDomain
import Testing

@Suite("Dates, academic years and school-week windows")
struct CalendarTests {
    func date(_ text: String) -> SchoolDate { SchoolDate(iso: text)! }

    /// Monday to Friday from `first` to `last`, skipping the weeks that start on the given Mondays.
    func weekdays(from first: String, to last: String, skippingWeeksOf holidays: [String] = []) -> [SchoolDate] {
        let skip = Set(holidays.map(date))
        var days: [SchoolDate] = []
        var day = date(first)
        while day <= date(last) {
            if !day.isWeekend && !skip.contains(day.weekStart) { days.append(day) }
            day = day.adding(days: 1)
        }
        return days
    }

    @Test func parsesRealDatesOnly() {
        #expect(date("2026-09-07").dayNumber == 20703)
        #expect(date("2026-09-07").weekday == 1)
        #expect(date("2024-02-29").weekday == 4)
        #expect(SchoolDate(iso: "2026-02-29") == nil)
        #expect(SchoolDate(iso: "2026-13-01") == nil)
        #expect(SchoolDate(iso: "2026-9-7") == nil)
        #expect(SchoolDate(iso: "yesterday") == nil)
        #expect(date("2026-09-07").iso == "2026-09-07")
        #expect(date("1969-12-31").dayNumber == -1)
    }

    @Test func academicYearRunsFromAugustToJuly() {
        #expect(AcademicYear(containing: date("2026-08-01")).startYear == 2026)
        #expect(AcademicYear(containing: date("2026-07-31")).startYear == 2025)
        #expect(AcademicYear(startYear: 2026).description == "2026/27")
        #expect(AcademicYear(startYear: 2026).firstDay == date("2026-08-01"))
        #expect(AcademicYear(startYear: 2026).lastDay == date("2027-07-31"))
    }

    @Test func sessionsOrderAMBeforePM() {
        let am = Session(date: date("2026-09-07"), half: .am)
        let pm = Session(date: date("2026-09-07"), half: .pm)
        let next = Session(date: date("2026-09-08"), half: .am)
        #expect(am < pm && pm < next)
        #expect(SessionHalf(parsing: "pm") == .pm)
        #expect(SessionHalf(parsing: "XM") == nil)
    }

    @Test func tenSchoolWeeksSkipAHalfTermWithNoSessions() {
        // Autumn term from Monday 7 September 2026; half-term is the week of 26 October.
        let calendar = SchoolCalendar(schoolDays: weekdays(from: "2026-09-07", to: "2026-12-18", skippingWeeksOf: ["2026-10-26"]))
        // Ten school weeks to Friday 20 November are the eleven calendar weeks from 7 September.
        #expect(calendar.window(ofSchoolWeeks: 10, endingAt: date("2026-11-20")) == date("2026-09-07")...date("2026-11-20"))
        // A week later the window has moved on by one school week.
        #expect(calendar.window(ofSchoolWeeks: 10, endingAt: date("2026-11-27")) == date("2026-09-14")...date("2026-11-27"))
        // Asked on the Wednesday of half-term, it ends with the last school week before it.
        #expect(calendar.window(ofSchoolWeeks: 2, endingAt: date("2026-10-28")) == date("2026-10-12")...date("2026-10-25"))
    }

    @Test func tenSchoolWeeksSpanTheSummerIntoANewAcademicYear() {
        let summer = weekdays(from: "2026-04-20", to: "2026-07-17", skippingWeeksOf: ["2026-05-25"])
        let autumn = weekdays(from: "2026-09-07", to: "2026-10-23")
        let calendar = SchoolCalendar(schoolDays: summer + autumn)
        // Four autumn weeks (7, 14, 21, 28 September) and the last six summer weeks (from 8 June).
        let window = calendar.window(ofSchoolWeeks: 10, endingAt: date("2026-10-02"))
        #expect(window == date("2026-06-08")...date("2026-10-02"))
        #expect(AcademicYear(containing: window!.lowerBound) != AcademicYear(containing: window!.upperBound))
    }

    @Test func schoolDayWindowsSkipHolidays() {
        let calendar = SchoolCalendar(schoolDays: weekdays(from: "2026-10-12", to: "2026-11-13", skippingWeeksOf: ["2026-10-26"]))
        // Ten school days to Wednesday 4 November: 2 to 4 November, 19 to 23 October, 15 and 16 October.
        #expect(calendar.window(ofSchoolDays: 10, endingAt: date("2026-11-04")) == date("2026-10-15")...date("2026-11-04"))
        #expect(calendar.window(ofSchoolDays: 15, endingAt: date("2026-10-13")) == date("2026-10-12")...date("2026-10-13"))
        #expect(calendar.window(ofSchoolDays: 3, endingAt: date("2026-10-01")) == nil)
    }

    @Test func pathwayStagesRunInOrderAndNeverSendAChildLookedAfterToEnforcement() {
        #expect(PathwayStage.allCases.map(\.rawValue) == [1, 2, 3, 4, 5])
        #expect(PathwayStage.prevention.next == .identifyAndUnderstand)
        #expect(PathwayStage.enforcementReferral.next == nil)
        #expect(PathwayStage.allCases.allSatisfy { !$0.checklist.isEmpty })
        #expect(!PathwayStage.mayEnter(.enforcementReferral, childLookedAfter: true))
        #expect(PathwayStage.mayEnter(.enforcementReferral, childLookedAfter: false))
        #expect(PathwayStage.mayEnter(.formaliseSupport, childLookedAfter: true))
    }
}
