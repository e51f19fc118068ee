import AttendanceDomain
import Foundation
import Hummingbird
import ServiceRuntime

/// When a family meeting may be held (shared/PATHWAY.md §3.2): on a working day, between 09:00 and 15:00 or within the
/// LA's early or late option, and with at least 5 school days' notice counted from the day the invitation is deemed
/// received (posted first class: 2 working days later). A move the family asked for needs no notice.
struct FamilyMeetingRules {
    let settings: SchedulerSettings
    var calendar = WorkingCalendar()

    /// The earliest day a meeting arranged on `today` may be held.
    func earliest(today: SchoolDate) -> (receipt: SchoolDate, earliest: SchoolDate) {
        let receipt = calendar.adding(workingDays: settings.postingWorkingDays, to: today)
        let earliest = calendar.adding(schoolDays: settings.familyNoticeSchoolDays, to: receipt)
        return (receipt, earliest)
    }

    /// The meeting's start and end instants, or a 422 naming the field and the rule.
    func times(date text: String, starts: String, minutes: Int, today: SchoolDate, needsNotice: Bool) throws -> (start: Date, end: Date) {
        let date = try APIBody.date(text, field: "date")
        try APIBody.require(calendar.isWorkingDay(date), "date", "\(date.iso) is not a working day")
        guard let start = PanelSeries.minutes(starts) else { throw RequestRefused(.unprocessableContent, "starts: expected a time written 10:00") }
        try APIBody.require((15...240).contains(minutes), "minutes", "expected 15 to 240")
        let span = start...(start + minutes)
        let allowed = [settings.familyHours] + (settings.familyExtendedHours.map { [$0] } ?? [])
        guard allowed.contains(where: { $0.contains(span.lowerBound) && $0.contains(span.upperBound) }) else {
            let hours = allowed.map { "\(LondonTime.clock($0.lowerBound))-\(LondonTime.clock($0.upperBound))" }.joined(separator: " or ")
            throw RequestRefused(.unprocessableContent, "starts: a family meeting is held within \(hours); \(starts) for \(minutes) minutes is not")
        }
        if needsNotice {
            let (receipt, earliest) = earliest(today: today)
            try APIBody.require(date >= earliest, "date", """
                the family must have \(settings.familyNoticeSchoolDays) school days' notice from the invitation's deemed receipt (\(receipt.iso)): \
                the earliest date is \(earliest.iso)
                """)
        } else {
            try APIBody.require(date > today, "date", "must be after today")
        }
        return (LondonTime.utc(.init(date: date, minutes: start)), LondonTime.utc(.init(date: date, minutes: start + minutes)))
    }
}
