/// Compulsory school age (Education Act 1996 s.8; shared/DOMAIN.md): from the start of the first term after
/// the child's fifth birthday (terms start 1 January, 1 April and 1 September: the day after the prescribed
/// days 31 December, 31 March and 31 August) until the last Friday in June of the school year in which the
/// child turns 16. Legal steps (penalty notices, prosecution) apply only within it.
public struct CompulsorySchoolAge: Sendable, Equatable {
    public let from: SchoolDate
    public let until: SchoolDate

    public init(from: SchoolDate, until: SchoolDate) {
        self.from = from
        self.until = until
    }

    public init(dateOfBirth birth: SchoolDate) {
        let fifth = Self.birthday(birth, age: 5)
        // The first prescribed day on or after the fifth birthday; the term starts the day after.
        let prescribed = [(3, 31), (8, 31), (12, 31)].compactMap { SchoolDate(year: fifth.year, month: $0.0, day: $0.1) }
            .first { $0 >= fifth } ?? SchoolDate(year: fifth.year + 1, month: 3, day: 31)!
        from = prescribed.adding(days: 1)
        let sixteenth = Self.birthday(birth, age: 16)
        // The school year in which the child turns 16 ends with the June of the next calendar year when the
        // birthday falls on or after 1 September (the school year has then begun), of the same year otherwise.
        let juneYear = sixteenth.month >= 9 ? sixteenth.year + 1 : sixteenth.year
        var lastFriday = SchoolDate(year: juneYear, month: 6, day: 30)!
        while lastFriday.weekday != 5 { lastFriday = lastFriday.adding(days: -1) }
        until = lastFriday
    }

    public func contains(_ date: SchoolDate) -> Bool { date >= from && date <= until }

    /// The birthday at `age`; 29 February is taken as 1 March in a year without one.
    static func birthday(_ birth: SchoolDate, age: Int) -> SchoolDate {
        SchoolDate(year: birth.year + age, month: birth.month, day: birth.day) ?? SchoolDate(year: birth.year + age, month: 3, day: 1)!
    }
}
