import AttendanceDomain
import SyntheticLA

/// What the detector's figures must be once the whole feed is applied: for each session, the last code
/// sent (an amendment replaces the first register's code), counted per pupil and for the LA.
struct ExpectedFigures {
    private(set) var byPupil: [String: AttendanceFigures] = [:]
    private(set) var total = AttendanceFigures()

    init(term: TermRegisters) throws {
        let dayIndex = Dictionary(uniqueKeysWithValues: term.days.enumerated().map { ($0.element.date, $0.offset) })
        var codes: [String: [String?]] = [:]
        for day in term.days {
            for register in day.all {
                let slot = dayIndex[register.date]! * 2 + (register.half == .am ? 0 : 1)
                for (upn, code) in register.marks {
                    codes[upn, default: [String?](repeating: nil, count: term.days.count * 2)][slot] = code
                }
            }
        }
        for (upn, sessions) in codes {
            let figures = AttendanceFigures(codes: try sessions.compactMap { $0 }.map { code throws(RegisterCodeError) in try RegisterCode(parsing: code) })
            byPupil[upn] = figures
            total.possibleSessions += figures.possibleSessions
            total.present += figures.present
            total.approvedEducationalActivity += figures.approvedEducationalActivity
            total.authorisedAbsence += figures.authorisedAbsence
            total.unauthorisedAbsence += figures.unauthorisedAbsence
            total.notCounted += figures.notCounted
        }
    }
}
