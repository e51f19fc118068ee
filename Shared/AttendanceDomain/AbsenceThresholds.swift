/// The thresholds that classify a pupil's absence, with DfE's defaults. An LA may set its own.
///
/// All tests use exact integer arithmetic: "missed × 100 ≥ possible × percent", never a rounded rate.
public struct AbsenceThresholds: Sendable, Hashable, Codable {
    /// Missed at least this percentage of possible sessions is persistent absence (attendance 90.0% or below).
    public var persistentMissedPercent: Int
    /// Missed at least this percentage is severe absence (attendance 50.0% or below).
    public var severeMissedPercent: Int
    /// A pupil is judged only once they have at least this many possible sessions.
    public var minimumPossibleSessions: Int

    public static let dfeDefaults = AbsenceThresholds(persistentMissedPercent: 10, severeMissedPercent: 50, minimumPossibleSessions: 10)

    public init(persistentMissedPercent: Int, severeMissedPercent: Int, minimumPossibleSessions: Int) {
        self.persistentMissedPercent = persistentMissedPercent
        self.severeMissedPercent = severeMissedPercent
        self.minimumPossibleSessions = minimumPossibleSessions
    }

    /// Whether there are enough possible sessions to judge the pupil at all.
    public func canJudge(_ figures: AttendanceFigures) -> Bool {
        figures.possibleSessions >= minimumPossibleSessions && figures.possibleSessions > 0
    }

    /// Persistent absence: missed × 100 ≥ possible × 10 (attendance 90.0% or below), once judgeable.
    public func isPersistentAbsence(_ figures: AttendanceFigures) -> Bool {
        canJudge(figures) && figures.missed * 100 >= figures.possibleSessions * persistentMissedPercent
    }

    /// Severe absence: missed × 100 ≥ possible × 50 (attendance 50.0% or below), once judgeable.
    public func isSevereAbsence(_ figures: AttendanceFigures) -> Bool {
        canJudge(figures) && figures.missed * 100 >= figures.possibleSessions * severeMissedPercent
    }

    /// The band a pupil falls in. Severe absence is also persistent absence; this names the worse.
    public func band(of figures: AttendanceFigures) -> AbsenceBand {
        if !canJudge(figures) { return .notYetJudged }
        if isSevereAbsence(figures) { return .severe }
        if isPersistentAbsence(figures) { return .persistent }
        return .belowThreshold
    }
}

public enum AbsenceBand: String, Sendable, Hashable, Codable {
    case notYetJudged = "not_yet_judged"
    case belowThreshold = "below_threshold"
    case persistent
    case severe
}
