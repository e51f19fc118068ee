/// Morning or afternoon: schools take a register twice a day.
public enum SessionHalf: String, Sendable, Hashable, Comparable, Codable, CaseIterable {
    case am = "AM"
    case pm = "PM"

    /// Accepts `AM` or `PM` (any letter case); nil otherwise.
    public init?(parsing raw: String) {
        switch raw.uppercased() {
        case "AM": self = .am
        case "PM": self = .pm
        default: return nil
        }
    }

    public static func < (lhs: SessionHalf, rhs: SessionHalf) -> Bool { lhs == .am && rhs == .pm }
}

/// One register session: a date and its half. Sessions order in time (AM before PM).
public struct Session: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    public let date: SchoolDate
    public let half: SessionHalf

    public init(date: SchoolDate, half: SessionHalf) {
        self.date = date
        self.half = half
    }

    /// The session of an ``ordinal``.
    public init(ordinal: Int) {
        self.init(date: SchoolDate(dayNumber: ordinal >> 1), half: ordinal & 1 == 0 ? .am : .pm)
    }

    /// A single integer that orders sessions: two per day.
    public var ordinal: Int { date.dayNumber * 2 + (half == .am ? 0 : 1) }

    public var description: String { "\(date.iso) \(half.rawValue)" }

    public static func < (lhs: Session, rhs: Session) -> Bool { lhs.ordinal < rhs.ordinal }
}
