/// What absence-detector publishes on `attendance.signals` (keyed by school URN) when a pupil's state
/// changes. It names the pupil by UPN only (no names or contacts) and carries its evidence: the figures,
/// the window, and the sessions and codes that crossed the line.
public struct AttendanceSignal: Codable, Sendable, Equatable {
    public static let type = "attendance.signal"
    /// 2: the regulation rules (issue 13): new kinds, `illness_15_days` for `absence_15_days`, `siblings`, watches.
    public static let version = 2

    /// The kinds of signal; the raw values are the wire names.
    public enum Kind: String, Codable, Sendable, CaseIterable {
        /// An `N` or `O` session after a session that was not: the first day of an unexplained spell.
        case firstDayAbsence = "first_day_absence"
        /// The session that began a spell was amended to present, approved activity or authorised absence.
        case firstDayAbsenceExplained = "first_day_absence_explained"
        case emergingPersistentAbsence = "emerging_persistent_absence"
        case persistentAbsence = "persistent_absence"
        case severeAbsence = "severe_absence"
        /// A penalty notice must be considered: never for a child looked after, only of compulsory school age.
        case penaltyNoticeThreshold = "penalty_notice_threshold"
        /// The same crossing for a child looked after: for the virtual school and the social worker, never enforcement.
        case lookedAfterAbsenceThreshold = "looked_after_absence_threshold"
        /// A penalty (or looked-after) threshold reported earlier no longer holds: a register amendment took its
        /// offence period below the threshold. `recoveredFrom` names the kind withdrawn, `sessions` the period's
        /// sessions as they are now, `windowEnd` the withdrawn signal's (its period's last day, which identifies
        /// it: no two periods of a child end on one day); anything started on it (a consideration, a notice) is reviewed.
        case thresholdWithdrawn = "threshold_withdrawn"
        /// A continuous spell of 10 school days without permission: the school's return to the LA, one per spell.
        case unauthorised10Days = "unauthorised_10_days"
        /// 15 school days of illness (`I`) in the school year: the sickness return; the LA considers its s19 duty.
        case illness15Days = "illness_15_days"
        case recovered
        case pattern
        /// Raised before version 2 (all absence, not illness only); no longer raised, kept so stored signals still read.
        case absence15Days = "absence_15_days"
        /// Register quality: an `N` still unresolved 5 school days later (it should have become a reason or `O`).
        case nUnresolved5Days = "n_unresolved_5_days"
        /// A watch's limit was passed: `sessions` holds the first offending session and its code.
        case watchBreached = "watch_breached"
        /// A watch's window is over: `figures` are the window's, `watchMet` whether the limits were kept.
        case watchEnded = "watch_ended"
    }

    /// Year-to-date figures of the academic year the signal is about.
    public struct Figures: Codable, Sendable, Equatable {
        public var possibleSessions: Int
        public var present: Int
        public var approvedEducationalActivity: Int
        public var authorisedAbsence: Int
        public var unauthorisedAbsence: Int
        public var notCounted: Int
        /// Percent, one decimal; nil before the first possible session.
        public var attendanceRate: Double?

        public init(possibleSessions: Int, present: Int, approvedEducationalActivity: Int, authorisedAbsence: Int,
                    unauthorisedAbsence: Int, notCounted: Int, attendanceRate: Double?) {
            self.possibleSessions = possibleSessions
            self.present = present
            self.approvedEducationalActivity = approvedEducationalActivity
            self.authorisedAbsence = authorisedAbsence
            self.unauthorisedAbsence = unauthorisedAbsence
            self.notCounted = notCounted
            self.attendanceRate = attendanceRate
        }
    }

    /// One session of evidence: `YYYY-MM-DD`, `AM`/`PM`, the code.
    public struct SessionMark: Codable, Sendable, Equatable {
        public var date: String
        public var session: String
        public var code: String
        /// The school whose register it is, when the sessions behind a signal come from more than one school
        /// (a pupil who moved or is dual-registered: the penalty window and the 10-day spell are the child's).
        public var schoolUrn: String?
        public init(date: String, session: String, code: String, schoolUrn: String? = nil) {
            self.date = date
            self.session = session
            self.code = code
            self.schoolUrn = schoolUrn
        }
    }

    /// A brother or sister in a `pattern` signal, with their absences that day. Readers see only the
    /// siblings they may see (a school's lead, none at another school): the reason names no sibling.
    public struct Sibling: Codable, Sendable, Equatable {
        public var upn: String
        public var schoolUrn: String
        public var sessions: [SessionMark]
        public init(upn: String, schoolUrn: String, sessions: [SessionMark]) {
            self.upn = upn
            self.schoolUrn = schoolUrn
            self.sessions = sessions
        }
    }

    public var kind: Kind
    public var schoolUrn: String
    public var upn: String
    /// `2026/27`.
    public var academicYear: String
    /// The session whose mark changed the state (`YYYY-MM-DD AM`).
    public var asOf: String
    /// For `recovered`: the signal whose condition ended; for `threshold_withdrawn`: the kind withdrawn.
    public var recoveredFrom: Kind?
    /// What the rule compared, in words a person can check: "attendance 89.5% ≤ 90.0%".
    public var reason: String
    public var figures: Figures
    /// The window the rule looked at (first and last date), when it has one.
    public var windowStart: String?
    public var windowEnd: String?
    /// The sessions that crossed the line (for example the ten G/O/U sessions of the penalty window).
    public var sessions: [SessionMark]
    /// `pattern` signals only.
    public var siblings: [Sibling]?
    /// `watch_breached` and `watch_ended` only: the watch (`attendance.watches`) answered.
    public var watchId: String?
    /// `watch_ended` only.
    public var watchMet: Bool?

    public init(kind: Kind, schoolUrn: String, upn: String, academicYear: String, asOf: String, recoveredFrom: Kind? = nil,
                reason: String, figures: Figures, windowStart: String? = nil, windowEnd: String? = nil, sessions: [SessionMark] = []) {
        self.kind = kind
        self.schoolUrn = schoolUrn
        self.upn = upn
        self.academicYear = academicYear
        self.asOf = asOf
        self.recoveredFrom = recoveredFrom
        self.reason = reason
        self.figures = figures
        self.windowStart = windowStart
        self.windowEnd = windowEnd
        self.sessions = sessions
    }
}
