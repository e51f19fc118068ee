/// On `attendance.watches` (pathway-coordinator to absence-detector, keyed by school URN): a window over
/// which the coordinator wants to know whether a pupil keeps to a limit (a Notice to Improve's weeks, a
/// contract's review period, monitoring after recovery). The coordinator never reads marks: the detector
/// answers on `attendance.signals` with `watch_breached` (the first offending session and its code) and
/// `watch_ended` (the figures over the window, and whether the limits were kept).
public struct AttendanceWatchRequested: Codable, Sendable, Equatable {
    public static let type = "attendance.watch-requested"
    public static let version = 1

    public var watchId: String
    public var schoolUrn: String
    public var upn: String
    /// The first and last dates watched (ISO, inclusive).
    public var from: String
    public var to: String
    /// More unauthorised sessions than this within the window is a breach.
    public var maxUnauthorisedSessions: Int
    /// Attendance over the window below this is not met (judged when the window ends).
    public var minAttendancePercent: Int?

    public init(watchId: String, schoolUrn: String, upn: String, from: String, to: String, maxUnauthorisedSessions: Int, minAttendancePercent: Int? = nil) {
        self.watchId = watchId
        self.schoolUrn = schoolUrn
        self.upn = upn
        self.from = from
        self.to = to
        self.maxUnauthorisedSessions = maxUnauthorisedSessions
        self.minAttendancePercent = minAttendancePercent
    }
}

/// On `attendance.watches`: the coordinator no longer needs the watch (the case closed, the notice was withdrawn).
public struct AttendanceWatchCancelled: Codable, Sendable, Equatable {
    public static let type = "attendance.watch-cancelled"
    public static let version = 1

    public var watchId: String
    public var schoolUrn: String

    public init(watchId: String, schoolUrn: String) {
        self.watchId = watchId
        self.schoolUrn = schoolUrn
    }
}
