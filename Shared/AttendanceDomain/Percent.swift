/// How every rate is shown, to one decimal, so that a shown figure never contradicts a band: attendance is
/// rounded up and absence down (they still add up to 100). The bands are "attendance at or below" a
/// threshold with at most one decimal, so 334 of 371 sessions (90.03%) shows 90.1%, not persistent, and
/// 89.96% shows 90.0%, persistent.
public enum Percent {
    /// Attendance-like rates: tenths rounded up. Nil for no sessions.
    public static func attendance(_ part: Int, of whole: Int) -> Double? {
        guard whole > 0 else { return nil }
        return Double((part * 1000 + whole - 1) / whole) / 10
    }

    /// Absence-like rates (and shares of pupils): tenths rounded down. Nil for none.
    public static func absence(_ part: Int, of whole: Int) -> Double? {
        guard whole > 0 else { return nil }
        return Double(part * 1000 / whole) / 10
    }

    /// `90.1%`, or `n/a`.
    public static func text(_ value: Double?) -> String {
        guard let value else { return "n/a" }
        let tenths = Int((value * 10).rounded())
        return "\(tenths / 10).\(tenths % 10)%"
    }
}
