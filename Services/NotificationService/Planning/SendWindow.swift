import Foundation

/// When a message may go, in the LA's time zone (shared/PATHWAY.md §4.3). Pure: the tests give it the times.
struct SendWindow: Sendable {
    let settings: NotificationSettings

    private var calendar: Calendar {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = settings.timeZone
        return calendar
    }

    /// `date` (YYYY-MM-DD) at `minutes` after midnight, local time.
    func instant(_ date: String, at minutes: Int) -> Date? {
        let parts = date.split(separator: "-").compactMap { Int($0) }
        guard parts.count == 3 else { return nil }
        return calendar.date(from: DateComponents(year: parts[0], month: parts[1], day: parts[2], hour: minutes / 60, minute: minutes % 60))
    }

    func localDate(_ instant: Date) -> String {
        let parts = calendar.dateComponents([.year, .month, .day], from: instant)
        return String(format: "%04d-%02d-%02d", parts.year!, parts.month!, parts.day!)
    }

    /// `2 December 2026`, for a letter's date line.
    func longDate(_ instant: Date) -> String {
        let parts = calendar.dateComponents([.year, .month, .day], from: instant)
        let months = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"]
        return "\(parts.day!) \(months[parts.month! - 1]) \(parts.year!)"
    }

    func minutes(_ instant: Date) -> Int {
        let parts = calendar.dateComponents([.hour, .minute], from: instant)
        return parts.hour! * 60 + parts.minute!
    }

    func isWeekend(_ instant: Date) -> Bool { calendar.isDateInWeekend(instant) }

    /// A first-day message about `session` (`YYYY-MM-DD AM|PM`) learned of at `now`: when it goes, and when it is
    /// too late to go. Nil when it is already too late (18:00 that day has passed, or the day itself has).
    func firstDay(session: String, now: Date) -> (due: Date, stale: Date)? {
        let parts = session.split(separator: " ")
        guard let date = parts.first.map(String.init),
              let earliest = instant(date, at: parts.count > 1 && parts[1] == "PM" ? settings.firstDayAfternoonAt : settings.firstDayMorningAt),
              let stale = instant(date, at: settings.firstDayLastAt) else { return nil }
        guard now < stale else { return nil }
        return (max(now, earliest), stale)
    }

    /// The next support batch at or after `now` on a weekday.
    func supportBatch(after now: Date) -> Date {
        var day = now
        for _ in 0..<8 {
            if !isWeekend(day), let at = instant(localDate(day), at: settings.supportBatchAt), at >= now { return at }
            day = calendar.date(byAdding: .day, value: 1, to: day)!
            day = instant(localDate(day), at: 0)!
        }
        return now
    }

    /// A family message due at `due` moved out of quiet hours to the next school-day morning: families are written to
    /// from 08:00 to 19:00 on weekdays only (shared/PATHWAY.md §4.3). Nil when it need not move.
    func outOfQuietHours(_ due: Date) -> Date? {
        let minute = minutes(due)
        if !isWeekend(due) && minute >= settings.quietUntil && minute < settings.quietFrom { return nil }
        var day = minute >= settings.quietFrom || isWeekend(due) ? calendar.date(byAdding: .day, value: 1, to: due)! : due
        while isWeekend(day) { day = calendar.date(byAdding: .day, value: 1, to: day)! }
        return instant(localDate(day), at: settings.quietUntil)
    }

    /// The same local time on the next school day (a weekday), across a clock change.
    func nextSchoolDay(sameTimeAs instant: Date) -> Date {
        var day = calendar.date(byAdding: .day, value: 1, to: instant)!
        while isWeekend(day) { day = calendar.date(byAdding: .day, value: 1, to: day)! }
        return day
    }

    /// Today's digest time when it has come (weekdays only), else nil.
    func digestDue(now: Date) -> (date: String, at: Date)? {
        guard !isWeekend(now), let at = instant(localDate(now), at: settings.digestAt), now >= at else { return nil }
        return (localDate(now), at)
    }
}
