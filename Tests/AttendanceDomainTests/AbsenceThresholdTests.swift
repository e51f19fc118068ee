import AttendanceDomain
import Testing

@Suite("Persistent and severe absence thresholds")
struct AbsenceThresholdTests {
    let thresholds = AbsenceThresholds.dfeDefaults

    /// Figures of `possible` sessions of which `attended` were present.
    func figures(possible: Int, attended: Int) -> AttendanceFigures {
        AttendanceFigures(possibleSessions: possible, present: attended, approvedEducationalActivity: 0,
                          authorisedAbsence: possible - attended, unauthorisedAbsence: 0, notCounted: 0)
    }

    @Test func exactlyNinetyPercentIsPersistent() {
        #expect(thresholds.isPersistentAbsence(figures(possible: 100, attended: 90)))
        #expect(thresholds.isPersistentAbsence(figures(possible: 20, attended: 18)))
        // 27/30 is 0.9 exactly; as floating point 27.0/30.0 is 0.9000000000000000222, the trap exact arithmetic avoids.
        #expect(thresholds.isPersistentAbsence(figures(possible: 30, attended: 27)))
    }

    @Test func oneSessionEitherSideOfNinetyPercent() {
        #expect(!thresholds.isPersistentAbsence(figures(possible: 100, attended: 91)))
        #expect(thresholds.isPersistentAbsence(figures(possible: 100, attended: 89)))
        #expect(!thresholds.isPersistentAbsence(figures(possible: 20, attended: 19)))
        #expect(thresholds.isPersistentAbsence(figures(possible: 20, attended: 17)))
        // 10 of 11 is 90.9%: above the line.
        #expect(!thresholds.isPersistentAbsence(figures(possible: 11, attended: 10)))
    }

    @Test func exactlyFiftyPercentIsSevere() {
        #expect(thresholds.isSevereAbsence(figures(possible: 100, attended: 50)))
        #expect(thresholds.isSevereAbsence(figures(possible: 10, attended: 5)))
    }

    @Test func oneSessionEitherSideOfFiftyPercent() {
        #expect(!thresholds.isSevereAbsence(figures(possible: 100, attended: 51)))
        #expect(thresholds.isSevereAbsence(figures(possible: 100, attended: 49)))
        #expect(!thresholds.isSevereAbsence(figures(possible: 11, attended: 6)))
        #expect(thresholds.isSevereAbsence(figures(possible: 11, attended: 5)))
    }

    @Test func severeIsAlsoPersistent() {
        let f = figures(possible: 40, attended: 10)
        #expect(thresholds.isSevereAbsence(f))
        #expect(thresholds.isPersistentAbsence(f))
        #expect(thresholds.band(of: f) == .severe)
        #expect(thresholds.band(of: figures(possible: 40, attended: 36)) == .persistent)
        #expect(thresholds.band(of: figures(possible: 40, attended: 37)) == .belowThreshold)
    }

    @Test func minimumSessionsRule() {
        // Nine possible sessions, all missed: not judged yet.
        let nine = figures(possible: 9, attended: 0)
        #expect(!thresholds.canJudge(nine))
        #expect(!thresholds.isPersistentAbsence(nine))
        #expect(!thresholds.isSevereAbsence(nine))
        #expect(thresholds.band(of: nine) == .notYetJudged)
        // The tenth makes the pupil judgeable.
        #expect(thresholds.isSevereAbsence(figures(possible: 10, attended: 0)))
        // An LA may set its own minimum.
        let strict = AbsenceThresholds(persistentMissedPercent: 10, severeMissedPercent: 50, minimumPossibleSessions: 20)
        #expect(!strict.isPersistentAbsence(figures(possible: 19, attended: 10)))
        #expect(strict.isPersistentAbsence(figures(possible: 20, attended: 10)))
        #expect(thresholds.band(of: AttendanceFigures()) == .notYetJudged)
    }

    @Test func figuresCountEachCategoryAndIgnoreNotCountedInPossible() throws {
        let codes = try ["/", "\\", "L", "V", "I", "M", "N", "G", "X", "#", "D", "Y1"].map { try RegisterCode(parsing: $0) }
        var f = AttendanceFigures(codes: codes)
        #expect(f.possibleSessions == 8)
        #expect(f.present == 3)
        #expect(f.approvedEducationalActivity == 1)
        #expect(f.authorisedAbsence == 2)
        #expect(f.unauthorisedAbsence == 2)
        #expect(f.notCounted == 4)
        #expect(f.attended == 4)
        #expect(f.missed == 4)
        #expect(f.attendanceRate == 50)
        // An amendment: N recoded I moves one session from unauthorised to authorised.
        f.remove(try RegisterCode(parsing: "N"))
        f.add(try RegisterCode(parsing: "I"))
        #expect(f.unauthorisedAbsence == 1)
        #expect(f.authorisedAbsence == 3)
        #expect(f.possibleSessions == 8)
    }
}
