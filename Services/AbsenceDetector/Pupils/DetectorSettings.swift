import AttendanceDomain
import ServiceRuntime

/// The LA's settings for judging pupils, with the DfE defaults (see DOMAIN.md and the README).
struct DetectorSettings: Sendable, Equatable {
    var thresholds = AbsenceThresholds.dfeDefaults
    /// `DETECTOR_EMERGING_PERCENT`: attendance at or below this (and above the persistent line) and falling
    /// is "emerging persistent absence". Default 92.
    var emergingAttendancePercent = 92
    /// Penalty-notice framework: this many `G`, `O` or `U` sessions within `penaltyWindowWeeks` school weeks.
    var penaltySessions = 10
    var penaltyWindowWeeks = 10
    /// Sessions of unauthorised absence in the year that the school must tell the LA about (10 school days).
    var unauthorisedSessions = 20
    /// Sessions of absence in the year at which the LA considers its s19 duty (15 school days).
    var absenceSessions = 30
    /// The recent stretch compared with the year to date to say whether attendance is falling.
    var recentSchoolDays = 10
    /// A weekday missed in at least `patternWeeks` of the last `patternWindowWeeks` weeks is a pattern.
    var patternWeeks = 3
    var patternWindowWeeks = 4

    static let dfeDefaults = DetectorSettings()

    init() {}

    init(environment: EnvironmentReader) throws(ConfigurationError) {
        thresholds.minimumPossibleSessions = try environment.int(
            "DETECTOR_MINIMUM_SESSIONS", default: 10, range: 1...400, expected: "a number of possible sessions from 1 to 400")
        thresholds.persistentMissedPercent = 100 - (try environment.int(
            "DETECTOR_PERSISTENT_PERCENT", default: 90, range: 51...99, expected: "an attendance percentage from 51 to 99"))
        thresholds.severeMissedPercent = 100 - (try environment.int(
            "DETECTOR_SEVERE_PERCENT", default: 50, range: 1...(99 - thresholds.persistentMissedPercent), expected: "an attendance percentage below the persistent one"))
        emergingAttendancePercent = try environment.int(
            "DETECTOR_EMERGING_PERCENT", default: 92, range: (100 - thresholds.persistentMissedPercent + 1)...99,
            expected: "an attendance percentage above the persistent one, below 100")
    }
}
