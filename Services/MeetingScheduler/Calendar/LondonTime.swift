import AttendanceDomain
import Foundation

/// Wall-clock time in Europe/London without a time-zone database: GMT, and BST (UTC+1) from 01:00 UTC on
/// the last Sunday of March to 01:00 UTC on the last Sunday of October (the rule since 1996).
enum LondonTime {
    /// A local date and time, minutes from midnight.
    struct Local: Sendable, Hashable, Comparable {
        var date: SchoolDate
        var minutes: Int

        static func < (lhs: Local, rhs: Local) -> Bool { (lhs.date, lhs.minutes) < (rhs.date, rhs.minutes) }

        /// `20261208T093000`.
        var basic: String { date.iso.replacingOccurrences(of: "-", with: "") + "T" + LondonTime.two(minutes / 60) + LondonTime.two(minutes % 60) + "00" }
    }

    /// The instants BST starts and ends in a year (both at 01:00 UTC).
    static func summerTime(_ year: Int) -> Range<Date> {
        func lastSunday(_ month: Int) -> SchoolDate {
            let last = SchoolDate(year: year, month: month, day: 31)!
            return last.adding(days: -(last.weekday % 7))
        }
        return instant(lastSunday(3), minutes: 60)..<instant(lastSunday(10), minutes: 60)
    }

    static func isSummerTime(_ instant: Date) -> Bool {
        let year = Calendar.gregorianUTC.component(.year, from: instant)
        return summerTime(year).contains(instant)
    }

    /// The UTC instant of a London wall-clock time. In the hour that does not exist (01:00-02:00 on the March
    /// Sunday) the time is read as GMT; in the hour that happens twice (October) the first, BST, is taken.
    static func utc(_ local: Local) -> Date {
        let asGMT = instant(local.date, minutes: local.minutes)
        let asBST = asGMT.addingTimeInterval(-3_600)
        return isSummerTime(asBST) ? asBST : asGMT
    }

    static func local(_ instant: Date) -> Local {
        let shifted = isSummerTime(instant) ? instant.addingTimeInterval(3_600) : instant
        let seconds = Int(shifted.timeIntervalSince1970.rounded(.down))
        let day = Int((Double(seconds) / 86_400).rounded(.down))
        return Local(date: SchoolDate(dayNumber: day), minutes: (seconds - day * 86_400) / 60)
    }

    static func instant(_ date: SchoolDate, minutes: Int) -> Date {
        Date(timeIntervalSince1970: TimeInterval(date.dayNumber * 86_400 + minutes * 60))
    }

    /// `20261129T100000Z`.
    static func utcBasic(_ instant: Date) -> String {
        let seconds = Int(instant.timeIntervalSince1970.rounded(.down))
        let day = Int((Double(seconds) / 86_400).rounded(.down))
        let rest = seconds - day * 86_400
        return SchoolDate(dayNumber: day).iso.replacingOccurrences(of: "-", with: "") + "T" + two(rest / 3_600) + two(rest % 3_600 / 60) + two(rest % 60) + "Z"
    }

    static func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
}

extension Calendar {
    static let gregorianUTC: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar
    }()
}

extension LondonTime {
    static let weekdays = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
    static let months = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"]

    /// `Tuesday 15 December 2026`, as letters and emails write a date.
    static func longDate(_ date: SchoolDate) -> String {
        "\(weekdays[date.weekday - 1]) \(date.day) \(months[date.month - 1]) \(date.year)"
    }

    /// `10:00`.
    static func clock(_ minutes: Int) -> String { two(minutes / 60) + ":" + two(minutes % 60) }

    /// `Tuesday 15 December 2026, 10:00 to 11:00` (London time).
    static func span(_ start: Date, _ end: Date) -> String {
        let from = local(start), until = local(end)
        return "\(longDate(from.date)), \(clock(from.minutes)) to \(clock(until.minutes))"
    }
}
