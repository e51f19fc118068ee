import AttendanceDomain
import ServiceRuntime

/// The LA's settings for judging pupils, with the DfE defaults (see DOMAIN.md and the README).
struct DetectorSettings: Sendable, Equatable {
    var thresholds = AbsenceThresholds.dfeDefaults
    /// `DETECTOR_EMERGING_PERCENT`: attendance at or below this (and above the persistent line) and falling
    /// is "emerging persistent absence". Default 92.
    var emergingAttendancePercent = 92
    /// Penalty-notice framework: this many sessions coded with `penaltyCodes` within `penaltyWindowWeeks` school weeks.
    var penaltySessions = 10
    var penaltyWindowWeeks = 10
    /// `DETECTOR_PENALTY_CODES`: the unauthorised codes the penalty threshold counts (default `G,N,O,U`, the
    /// national framework; an LA may narrow it).
    var penaltyCodes = RegisterCodeTable.nationalPenaltyNoticeCodes
    /// Consecutive possible sessions without permission that the school must tell the LA about (10 school days).
    var continuousUnauthorisedSessions = 20
    /// Sessions of illness (`I`) in the year at which the school makes a sickness return (15 school days).
    var illnessSessions = 30
    /// School days after which an `N` should have been resolved (a reason, or `O`).
    var nResolutionSchoolDays = 5
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
        penaltyCodes = try environment.set(
            "DETECTOR_PENALTY_CODES", default: RegisterCodeTable.nationalPenaltyNoticeCodes, allowed: RegisterCodeTable.nationalPenaltyNoticeCodes,
            expected: "unauthorised absence codes separated by commas, from G, N, O, U")
        emergingAttendancePercent = try environment.int(
            "DETECTOR_EMERGING_PERCENT", default: 92, range: (100 - thresholds.persistentMissedPercent + 1)...99,
            expected: "an attendance percentage above the persistent one, below 100")
    }
}
