/// The DfE register codes in force from 19 August 2024, as data (see DOMAIN.md).
public enum RegisterCodeTable {
    /// Every code in force, in the order DfE lists them.
    public static let all: [RegisterCode] = [
        .init(code: "/", meaning: "present, morning session", category: .present, countsInPossibleSessions: true),
        .init(code: "\\", meaning: "present, afternoon session", category: .present, countsInPossibleSessions: true),
        .init(code: "L", meaning: "late, arrived before the register closed", category: .present, countsInPossibleSessions: true),
        .init(code: "K", meaning: "attending education provision arranged by the local authority", category: .approvedEducationalActivity, countsInPossibleSessions: true),
        .init(code: "V", meaning: "educational visit or trip", category: .approvedEducationalActivity, countsInPossibleSessions: true),
        .init(code: "P", meaning: "approved sporting activity", category: .approvedEducationalActivity, countsInPossibleSessions: true),
        .init(code: "W", meaning: "work experience", category: .approvedEducationalActivity, countsInPossibleSessions: true),
        .init(code: "B", meaning: "any other approved educational activity", category: .approvedEducationalActivity, countsInPossibleSessions: true),
        .init(code: "D", meaning: "dual registered, attending the other school", category: .notCounted, countsInPossibleSessions: false),
        .init(code: "C1", meaning: "leave for a regulated performance or regulated employment abroad", category: .authorisedAbsence, countsInPossibleSessions: true),
        .init(code: "M", meaning: "leave for a medical or dental appointment", category: .authorisedAbsence, countsInPossibleSessions: true),
        .init(code: "J1", meaning: "leave for an interview", category: .authorisedAbsence, countsInPossibleSessions: true),
        .init(code: "S", meaning: "study leave", category: .authorisedAbsence, countsInPossibleSessions: true),
        .init(code: "X", meaning: "non-compulsory school age, not required to attend", category: .notCounted, countsInPossibleSessions: false),
        .init(code: "C2", meaning: "leave for a temporary part-time timetable", category: .authorisedAbsence, countsInPossibleSessions: true),
        .init(code: "C", meaning: "leave for other exceptional circumstances", category: .authorisedAbsence, countsInPossibleSessions: true),
        .init(code: "T", meaning: "parent travelling for occupational purposes", category: .authorisedAbsence, countsInPossibleSessions: true),
        .init(code: "R", meaning: "religious observance", category: .authorisedAbsence, countsInPossibleSessions: true),
        .init(code: "I", meaning: "illness (not medical or dental appointments)", category: .authorisedAbsence, countsInPossibleSessions: true),
        .init(code: "E", meaning: "suspended or excluded, no alternative provision", category: .authorisedAbsence, countsInPossibleSessions: true),
        .init(code: "Q", meaning: "unable to attend: lack of access arrangements", category: .notCounted, countsInPossibleSessions: false),
        .init(code: "Y1", meaning: "unable to attend: transport not available", category: .notCounted, countsInPossibleSessions: false),
        .init(code: "Y2", meaning: "unable to attend: widespread disruption to travel", category: .notCounted, countsInPossibleSessions: false),
        .init(code: "Y3", meaning: "unable to attend: part of the school premises closed", category: .notCounted, countsInPossibleSessions: false),
        .init(code: "Y4", meaning: "unable to attend: whole school site unexpectedly closed", category: .notCounted, countsInPossibleSessions: false),
        .init(code: "Y5", meaning: "unable to attend: in criminal justice detention", category: .notCounted, countsInPossibleSessions: false),
        .init(code: "Y6", meaning: "unable to attend: public health guidance or law", category: .notCounted, countsInPossibleSessions: false),
        .init(code: "Y7", meaning: "unable to attend: any other unavoidable cause", category: .notCounted, countsInPossibleSessions: false),
        .init(code: "G", meaning: "holiday not granted by the school", category: .unauthorisedAbsence, countsInPossibleSessions: true),
        .init(code: "N", meaning: "reason for absence not yet provided", category: .unauthorisedAbsence, countsInPossibleSessions: true),
        .init(code: "O", meaning: "absent in other or unknown circumstances", category: .unauthorisedAbsence, countsInPossibleSessions: true),
        .init(code: "U", meaning: "arrived after the register closed", category: .unauthorisedAbsence, countsInPossibleSessions: true),
        .init(code: "Z", meaning: "prospective pupil, not yet on roll", category: .notCounted, countsInPossibleSessions: false),
        .init(code: "#", meaning: "planned whole or partial school closure", category: .notCounted, countsInPossibleSessions: false),
    ]

    /// Codes withdrawn on 19 August 2024 (and `F` long before), with what to use instead.
    public static let withdrawn: [String: [String]] = [
        "H": ["C"],
        "J": ["J1"],
        "Y": ["Y1", "Y2", "Y3", "Y4", "Y5", "Y6", "Y7"],
        "F": ["G", "C"],
    ]

    /// The codes the national penalty-notice framework counts: all unauthorised absence. An LA may narrow
    /// the set (the detector's `DETECTOR_PENALTY_CODES`).
    public static let nationalPenaltyNoticeCodes: Set<String> = ["G", "N", "O", "U"]

    public static let byCode: [String: RegisterCode] = Dictionary(uniqueKeysWithValues: all.map { ($0.code, $0) })
}
