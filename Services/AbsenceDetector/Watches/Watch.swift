import AttendanceDomain
import Events

/// A window the pathway asked the detector to watch, and how it stands against a pupil's marks.
struct Watch: Sendable, Equatable {
    var id: String
    var key: PupilKey
    var from: SchoolDate
    var to: SchoolDate
    var maxUnauthorisedSessions: Int
    var minAttendancePercent: Int?
    var breached = false

    init(id: String, key: PupilKey, from: SchoolDate, to: SchoolDate, maxUnauthorisedSessions: Int, minAttendancePercent: Int?, breached: Bool = false) {
        self.id = id
        self.key = key
        self.from = from
        self.to = to
        self.maxUnauthorisedSessions = maxUnauthorisedSessions
        self.minAttendancePercent = minAttendancePercent
        self.breached = breached
    }

    /// Nil when the request cannot be a watch (a bad date, an empty window, a negative limit).
    init?(_ request: AttendanceWatchRequested) {
        guard let from = SchoolDate(iso: request.from), let to = SchoolDate(iso: request.to), from <= to, request.maxUnauthorisedSessions >= 0,
              (request.minAttendancePercent.map { (0...100).contains($0) } ?? true) else { return nil }
        self.init(id: request.watchId, key: PupilKey(school: request.schoolUrn, upn: request.upn), from: from, to: to,
                  maxUnauthorisedSessions: request.maxUnauthorisedSessions, minAttendancePercent: request.minAttendancePercent)
    }

    enum Outcome: Equatable {
        /// The first unauthorised session past the limit.
        case breached(SessionHistory.Entry)
        /// The window is over (a later session is marked): its figures, and whether the limits were kept.
        case ended(AttendanceFigures, met: Bool)
    }

    /// What the pupil's marks say now: a breach not yet reported, then the end once a session after the
    /// window is marked. Both can come from one evaluation (a late watch on marks already in).
    func evaluate(_ pupil: PupilState) -> [Outcome] {
        let first = Int32(Session(date: from, half: .am).ordinal), last = Int32(Session(date: to, half: .pm).ordinal)
        let start = pupil.history.index(of: first)
        let window = pupil.history.entries[start...].prefix { $0.ordinal <= last }
        var outcomes: [Outcome] = []
        let unauthorised = window.filter { $0.code.category == .unauthorisedAbsence }
        if !breached, unauthorised.count > maxUnauthorisedSessions {
            outcomes.append(.breached(unauthorised[unauthorised.startIndex + maxUnauthorisedSessions]))
        }
        if let latest = pupil.history.latest, latest.ordinal > last {
            let figures = AttendanceFigures(codes: window.map(\.code))
            let attendanceKept = minAttendancePercent.map { figures.attended * 100 >= figures.possibleSessions * $0 } ?? true
            outcomes.append(.ended(figures, met: unauthorised.count <= maxUnauthorisedSessions && attendanceKept))
        }
        return outcomes
    }

    /// The signals for these outcomes.
    func signals(_ outcomes: [Outcome], pupil: PupilState) -> [AttendanceSignal] {
        guard let latest = pupil.history.latest else { return [] }
        let evidence = Evidence(pupil: pupil, year: AcademicYear(containing: latest.session.date), latest: latest.session)
        return outcomes.map { outcome in
            var signal: AttendanceSignal
            switch outcome {
            case .breached(let entry):
                signal = evidence.signal(.watchBreached, asOf: entry.session,
                                         reason: "watch \(id): \(entry.code.code) on \(entry.session) is unauthorised session \(maxUnauthorisedSessions + 1) from \(from.iso) (at most \(maxUnauthorisedSessions) allowed)",
                                         window: (from, to), sessions: [Evidence.mark(entry)])
            case .ended(let figures, let met):
                let rate = Evidence.percent(figures)
                signal = evidence.signal(.watchEnded, asOf: Session(date: to, half: .pm),
                                         reason: "watch \(id) from \(from.iso) to \(to.iso) ended: attendance \(rate), \(figures.unauthorisedAbsence) unauthorised sessions: \(met ? "kept" : "not kept")",
                                         window: (from, to))
                signal.figures = Evidence.wireFigures(figures)
                signal.watchMet = met
            }
            signal.watchId = id
            return signal
        }
    }
}
