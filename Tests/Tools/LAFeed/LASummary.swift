import AttendanceDomain
import Events
import Foundation
import SyntheticLA

/// The end of the demo: once the detector has applied the whole feed, the LA's and each school's rates
/// beside England's, the pupils at each threshold with their figures (each checked against
/// `GET /v1/pupils/{upn}/attendance` and the generator's own count), and the last day's first-day absences.
struct LASummary {
    let la: SyntheticLA
    let calendar: TermCalendar
    let expected: ExpectedFigures
    let detector: APIClient

    var yearQuery: String {
        let first = calendar.schoolDays.first!
        let start = first.month >= 8 ? first.year : first.year - 1
        return "academicYear=\(ListYear.name(start))"
    }

    /// Waits until the detector's LA figures are the feed's: every register and amendment applied.
    func waitForDetector(seconds: Int) async throws {
        let deadline = ContinuousClock.now + .seconds(seconds)
        let want = expected.total
        var lastSaid = ContinuousClock.now
        while true {
            let rates = try await detector.get("/v1/summary?\(yearQuery)", as: SummaryAnswer.self).overall
            if rates.possibleSessions == want.possibleSessions && rates.attendedSessions == want.attended
                && rates.authorisedAbsenceSessions == want.authorisedAbsence && rates.unauthorisedAbsenceSessions == want.unauthorisedAbsence {
                return
            }
            guard ContinuousClock.now < deadline else {
                throw Mismatch(description: "after \(seconds) s the detector's LA figures are not the feed's (detector / feed): "
                               + "possible sessions \(rates.possibleSessions) / \(want.possibleSessions), attended \(rates.attendedSessions) / \(want.attended), "
                               + "authorised \(rates.authorisedAbsenceSessions) / \(want.authorisedAbsence), "
                               + "unauthorised \(rates.unauthorisedAbsenceSessions) / \(want.unauthorisedAbsence)")
            }
            if ContinuousClock.now - lastSaid > .seconds(3) {
                lastSaid = .now
                LAFeed.say("waiting for the detector: \(rates.possibleSessions.grouped) of \(want.possibleSessions.grouped) possible sessions applied")
            }
            try await Task.sleep(for: .milliseconds(250))
        }
    }

    struct Mismatch: Error, CustomStringConvertible { var description: String }

    /// Prints the summary; returns whether every figure shown agreed with the generator's and the pupil API's.
    func print() async throws -> Bool {
        let summary = try await detector.get("/v1/summary?\(yearQuery)", as: SummaryAnswer.self)
        var agreed = true
        out("")
        out("The LA after \(calendar.schoolDays.count) school days (\(calendar.schoolDays.first!.iso) to \(calendar.schoolDays.last!.iso)), "
            + "academic year \(summary.academicYear ?? "?") to date; pupils are judged from \(summary.minimumPossibleSessions) possible sessions")
        out("")
        out(row("", "pupils", "absence", "authorised", "unauthorised", "persistent", "severe"))
        let national = summary.national
        out(row("England 2023/24 (DfE)", "", pct(national.absenceRate2023to24), "", "", pct(national.persistentAbsenceRate2023to24),
                pct(national.severeAbsenceRate2023to24)))
        out(row("England 2024/25 (provisional)", "", pct(national.absenceRate2024to25Provisional), "", "",
                pct(national.persistentAbsenceRate2024to25Provisional), ""))
        out(rates("This LA", summary.overall))
        for school in la.schools {
            let answer = try await detector.get("/v1/schools/\(school.urn)/summary?\(yearQuery)", as: SummaryAnswer.self)
            out(rates("  \(school.urn) \(school.phase.rawValue)", answer.overall))
        }
        out("")
        let persistentOnly = summary.overall.persistentAbsence - summary.overall.severeAbsence
        let bands: [(band: String, title: String)] = [
            ("severe", "Severe absence (attendance 50% or below): \(summary.overall.severeAbsence.grouped) pupils"),
            ("persistent", "Persistent absence (90% or below, not severe): \(persistentOnly.grouped) pupils"),
            ("below_threshold", "Above 90%: \(max(0, summary.overall.judgedPupils - summary.overall.persistentAbsence).grouped) pupils"),
        ]
        for (band, title) in bands {
            let worklist = try await detector.get("/v1/pupils?band=\(band)&limit=3&\(yearQuery)", as: WorklistAnswer.self)
            out("\(title); the lowest attendance:")
            out("    " + pupilRow("UPN", "school", "year", "possible", "attended", "authorised", "unauth.", "rate", "checked"))
            for pupil in worklist.pupils {
                let check = try await checked(pupil)
                agreed = agreed && check.agreed
                let figures = pupil.figures
                out("    " + pupilRow(pupil.upn, pupil.schoolUrn, pupil.yearGroup ?? "", "\(figures.possibleSessions)", "\(figures.attended)",
                                      "\(figures.authorisedAbsence)", "\(figures.unauthorisedAbsence)", pct(figures.attendanceRate), check.words))
            }
        }
        let lastDay = calendar.schoolDays.last!.iso
        let firstDay = try await detector.get("/v1/signals?date=\(lastDay)&kind=first_day_absence&limit=5", as: SignalsAnswer.self)
        out("")
        out("First-day absences on \(lastDay), the last day: \(firstDay.total.grouped) pupils absent with no reason given, "
            + "each with a first_day_absence signal on attendance.signals; the first few:")
        for signal in firstDay.signals {
            out("    \(signal.upn)  school \(signal.schoolUrn)  \(signal.asOf)  \(signal.reason)")
        }
        out("")
        out(agreed ? "Every pupil above: the worklist's figures = GET /v1/pupils/{upn}/attendance = the generator's own count."
                   : "SOME FIGURES DISAGREE: see the rows marked above.")
        return agreed
    }

    /// The pupil's figures from the pupil API and from the generator, against the worklist row.
    func checked(_ row: WorklistAnswer.Row) async throws -> (agreed: Bool, words: String) {
        let fromAPI = try await detector.get("/v1/pupils/\(row.upn)/attendance", as: PupilFigures.self)
        guard fromAPI == row.figures else { return (false, "differs from the pupil API") }
        guard let generated = expected.byPupil[row.upn] else { return (false, "not a generated pupil") }
        return row.figures.counts(equal: generated) ? (true, "ok") : (false, "differs from the generator")
    }

    func rates(_ name: String, _ rates: SummaryAnswer.Rates) -> String {
        row(name, rates.pupils.grouped, pct(rates.absenceRate), pct(rates.authorisedAbsenceRate), pct(rates.unauthorisedAbsenceRate),
            pct(rates.persistentAbsenceRate) + " (\(rates.persistentAbsence.grouped))", pct(rates.severeAbsenceRate) + " (\(rates.severeAbsence.grouped))")
    }

    func row(_ name: String, _ columns: String...) -> String {
        name.padding(toLength: 30, withPad: " ", startingAt: 0) + columns.map { $0.leftPadded(15) }.joined()
    }

    func pupilRow(_ columns: String...) -> String {
        zip(columns, [14, 8, 6, 9, 9, 11, 8, 7, 10]).map { $0.leftPadded($1) }.joined()
    }

    func pct(_ value: Double?) -> String { value.map { String(format: "%.1f%%", $0) } ?? "-" }

    func out(_ line: String) { LAFeed.writeLine(line) }
}

/// "2025/26" for 2025.
enum ListYear {
    static func name(_ start: Int) -> String { "\(start)/\(String(format: "%02d", (start + 1) % 100))" }
}

extension String {
    func leftPadded(_ width: Int) -> String { count >= width ? " " + self : String(repeating: " ", count: width - count) + self }
}
