/// Bank holidays in England (and Wales), worked out from the rules of the Banking and Financial Dealings
/// Act 1971 and the yearly proclamations, so that timers need no table that runs out. Days the rules
/// cannot know (a jubilee, a coronation, a state funeral, a moved May holiday) are held as data below;
/// an LA adds any further ones in its settings.
public enum EnglandBankHolidays {
    /// The bank holidays of a calendar year, ascending.
    public static func dates(in year: Int) -> [SchoolDate] {
        let easter = easterSunday(year)
        var days: [SchoolDate] = [
            substitute(SchoolDate(year: year, month: 1, day: 1)!),
            easter.adding(days: -2),  // Good Friday
            easter.adding(days: 1),  // Easter Monday
            nthWeekday(1, .monday, month: 5, year: year),  // early May
            lastWeekday(.monday, month: 5, year: year),  // spring
            lastWeekday(.monday, month: 8, year: year),  // summer
        ]
        days += christmas(year)
        if let moved = proclaimed[year] {
            days.removeAll { moved.removed.contains($0) }
            days += moved.added
        }
        return days.sorted()
    }

    public static func isBankHoliday(_ date: SchoolDate) -> Bool { dates(in: date.year).contains(date) }

    /// Changes by proclamation: (days that were not holidays, days added).
    static let proclaimed: [Int: (removed: [SchoolDate], added: [SchoolDate])] = [
        2020: ([d(2020, 5, 4)], [d(2020, 5, 8)]),  // VE Day's 75th anniversary
        2022: ([d(2022, 5, 30)], [d(2022, 6, 2), d(2022, 6, 3), d(2022, 9, 19)]),  // Platinum Jubilee; the Queen's funeral
        2023: ([], [d(2023, 5, 8)]),  // the Coronation
    ]

    private static func d(_ y: Int, _ m: Int, _ day: Int) -> SchoolDate { SchoolDate(year: y, month: m, day: day)! }

    /// A holiday falling on a weekend is taken on the next Monday.
    private static func substitute(_ date: SchoolDate) -> SchoolDate {
        date.weekday == 6 ? date.adding(days: 2) : date.weekday == 7 ? date.adding(days: 1) : date
    }

    /// Christmas Day and Boxing Day, with their substitutes: the first weekdays after 24 December that
    /// are not already taken.
    private static func christmas(_ year: Int) -> [SchoolDate] {
        var taken: [SchoolDate] = []
        for day in [25, 26] {
            var date = SchoolDate(year: year, month: 12, day: day)!
            while date.isWeekend || taken.contains(date) { date = date.adding(days: 1) }
            taken.append(date)
        }
        return taken
    }

    enum Weekday: Int { case monday = 1 }

    private static func nthWeekday(_ n: Int, _ weekday: Weekday, month: Int, year: Int) -> SchoolDate {
        let first = SchoolDate(year: year, month: month, day: 1)!
        let offset = (weekday.rawValue - first.weekday + 7) % 7
        return first.adding(days: offset + 7 * (n - 1))
    }

    private static func lastWeekday(_ weekday: Weekday, month: Int, year: Int) -> SchoolDate {
        let next = month == 12 ? SchoolDate(year: year + 1, month: 1, day: 1)! : SchoolDate(year: year, month: month + 1, day: 1)!
        let last = next.adding(days: -1)
        return last.adding(days: -((last.weekday - weekday.rawValue + 7) % 7))
    }

    /// Easter Sunday in the Gregorian calendar (the anonymous algorithm of 1876, "Meeus/Jones/Butcher").
    static func easterSunday(_ year: Int) -> SchoolDate {
        let a = year % 19, b = year / 100, c = year % 100
        let d = b / 4, e = b % 4, f = (b + 8) / 25, g = (b - f + 1) / 3
        let h = (19 * a + b - d - g + 15) % 30
        let i = c / 4, k = c % 4
        let l = (32 + 2 * e + 2 * i - h - k) % 7
        let m = (a + 11 * h + 22 * l) / 451
        let month = (h + l - 7 * m + 114) / 31
        let day = (h + l - 7 * m + 114) % 31 + 1
        return SchoolDate(year: year, month: month, day: day)!
    }
}
