import AttendanceDomain
import Events

/// Builds signals for one pupil at one moment: the figures, the window and the sessions behind them.
struct Evidence {
    let pupil: PupilState
    let year: AcademicYear
    let latest: Session
    var figures: AttendanceFigures { pupil.figures }

    static let weekdayNames = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]

    static func mark(_ entry: SessionHistory.Entry) -> AttendanceSignal.SessionMark {
        AttendanceSignal.SessionMark(date: entry.session.date.iso, session: entry.session.half.rawValue, code: entry.code.code)
    }

    /// Attendance as a person reads it (``Percent``: never on the wrong side of a band).
    static func percent(_ figures: AttendanceFigures) -> String { Percent.text(rate(figures)) }

    static func rate(_ figures: AttendanceFigures) -> Double? { Percent.attendance(figures.attended, of: figures.possibleSessions) }

    static func wireFigures(_ figures: AttendanceFigures) -> AttendanceSignal.Figures {
        AttendanceSignal.Figures(
            possibleSessions: figures.possibleSessions, present: figures.present, approvedEducationalActivity: figures.approvedEducationalActivity,
            authorisedAbsence: figures.authorisedAbsence, unauthorisedAbsence: figures.unauthorisedAbsence, notCounted: figures.notCounted,
            attendanceRate: rate(figures))
    }

    func absences(where include: (RegisterCode) -> Bool, limit: Int) -> [AttendanceSignal.SessionMark] {
        let yearStart = Int32(Session(date: year.firstDay, half: .am).ordinal)
        var found: [AttendanceSignal.SessionMark] = []
        for entry in pupil.history.entries.reversed() where found.count < limit {
            if entry.ordinal < yearStart { break }
            if include(entry.code) { found.append(Self.mark(entry)) }
        }
        return found.reversed()
    }

    func recentAbsences(limit: Int) -> [AttendanceSignal.SessionMark] {
        absences(where: { $0.category.isAbsence }, limit: limit)
    }

    func signal(_ kind: AttendanceSignal.Kind, asOf: Session? = nil, recoveredFrom: AttendanceSignal.Kind? = nil, reason: String,
                yearWindow: Bool = false, window: (SchoolDate, SchoolDate)? = nil, sessions: [AttendanceSignal.SessionMark] = []) -> AttendanceSignal {
        let range = window ?? (yearWindow ? (year.firstDay, latest.date) : nil)
        return AttendanceSignal(
            kind: kind, schoolUrn: pupil.key.school, upn: pupil.key.upn, academicYear: year.description,
            asOf: (asOf ?? latest).description, recoveredFrom: recoveredFrom, reason: reason, figures: Self.wireFigures(figures),
            windowStart: range?.0.iso, windowEnd: range?.1.iso, sessions: sessions)
    }
}
