import AttendanceDomain
import Events

/// The parts of absence-detector's API answers the summary reads.
struct SummaryAnswer: Decodable {
    struct Rates: Decodable {
        var pupils: Int
        var judgedPupils: Int
        var possibleSessions: Int
        var attendedSessions: Int
        var authorisedAbsenceSessions: Int
        var unauthorisedAbsenceSessions: Int
        var absenceRate: Double?
        var authorisedAbsenceRate: Double?
        var unauthorisedAbsenceRate: Double?
        var persistentAbsence: Int
        var persistentAbsenceRate: Double?
        var severeAbsence: Int
        var severeAbsenceRate: Double?
    }
    struct National: Decodable {
        var absenceRate2023to24: Double
        var persistentAbsenceRate2023to24: Double
        var severeAbsenceRate2023to24: Double
        var absenceRate2024to25Provisional: Double
        var persistentAbsenceRate2024to25Provisional: Double
    }
    var academicYear: String?
    var minimumPossibleSessions: Int
    var overall: Rates
    var national: National
}

/// A pupil's year-to-date figures, as both a worklist row and `GET /v1/pupils/{upn}/attendance` carry them.
struct PupilFigures: Decodable, Equatable {
    var possibleSessions: Int
    var present: Int
    var approvedEducationalActivity: Int
    var authorisedAbsence: Int
    var unauthorisedAbsence: Int
    var attendanceRate: Double?

    var attended: Int { present + approvedEducationalActivity }

    /// Whether the session counts equal a count of the codes (which has no rounded rate).
    func counts(equal figures: AttendanceFigures) -> Bool {
        [possibleSessions, present, approvedEducationalActivity, authorisedAbsence, unauthorisedAbsence]
            == [figures.possibleSessions, figures.present, figures.approvedEducationalActivity, figures.authorisedAbsence, figures.unauthorisedAbsence]
    }
}

struct WorklistAnswer: Decodable {
    struct Row: Decodable {
        var upn: String
        var schoolUrn: String
        var yearGroup: String?
        var figures: PupilFigures

        private enum CodingKeys: String, CodingKey { case upn, schoolUrn, yearGroup }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            upn = try container.decode(String.self, forKey: .upn)
            schoolUrn = try container.decode(String.self, forKey: .schoolUrn)
            yearGroup = try container.decodeIfPresent(String.self, forKey: .yearGroup)
            figures = try PupilFigures(from: decoder)  // the same object, flat
        }
    }
    var total: Int
    var pupils: [Row]
}

struct SignalsAnswer: Decodable {
    var total: Int
    var byKind: [String: Int]
    var signals: [AttendanceSignal]
}
