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

struct WorklistAnswer: Decodable {
    struct Row: Decodable {
        var upn: String
        var schoolUrn: String
        var yearGroup: String?
        var possibleSessions: Int
        var present: Int
        var approvedEducationalActivity: Int
        var authorisedAbsence: Int
        var unauthorisedAbsence: Int
        var attendanceRate: Double?
    }
    var total: Int
    var pupils: [Row]
}

struct SignalsAnswer: Decodable {
    var total: Int
    var byKind: [String: Int]
    var signals: [AttendanceSignal]
}

struct PupilAnswer: Decodable {
    var schoolUrn: String
    var possibleSessions: Int
    var present: Int
    var approvedEducationalActivity: Int
    var authorisedAbsence: Int
    var unauthorisedAbsence: Int
    var attendanceRate: Double?
    var band: String
}
