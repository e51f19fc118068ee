import AttendanceDomain
import Events
import Foundation
import Logging
import PostgresNIO

/// Opening a case: one open case per pupil; a case closed within the reopening period comes back with its
/// history; stage 1 is universal, so its checklist opens with the case.
enum CaseOpening {
    struct Opened {
        var pathwayCase: PathwayCase
        /// False when the pupil already had an open case (which is returned).
        var isNew: Bool
    }

    static func open(
        upn: String, school: String, stage: PathwayStage, urgency: Urgency, by actor: CaseActor, reason: String, figures: AttendanceSignal.Figures?,
        severe: Bool, sourceEvent: UUID?, details: String? = nil, settings: PathwaySettings, on connection: PostgresConnection, logger: Logger
    ) async throws -> Opened {
        if let existing = try await CaseStore.openCase(upn: upn, on: connection, logger: logger) {
            return Opened(pathwayCase: existing, isNew: false)
        }
        let pupil = try await Pupils.load(school: school, upn: upn, on: connection, logger: logger)
        // A case closed at this school within the period is reopened; one at another school stays where it is.
        if var reopened = try await CaseStore.recentlyClosed(upn: upn, months: settings.reopenMonths, on: connection, logger: logger), reopened.schoolUrn == school {
            reopened.status = .active
            reopened.noSupportRoute = false
            reopened.closedReason = nil
            reopened.schoolUrn = school
            reopened.stage = max(stage.rawValue, min(reopened.stage, PathwayStage.formaliseSupport.rawValue))
            reopened.urgency = max(reopened.urgency, urgency)
            reopened.latestFigures = figures ?? reopened.latestFigures
            reopened.severeAbsence = severe
            if let pupil { reopened.flags = pupil.profile.flags }
            try await CaseStore.update(reopened, on: connection, logger: logger)
            try await openChecklists(reopened.caseId, through: reopened.pathwayStage, on: connection, logger: logger)
            try await Chronology.append(reopened.caseId, type: "case_reopened", summary: "Case reopened at stage \(reopened.stage): \(reason)", by: actor,
                                        sourceEvent: sourceEvent, details: details, on: connection, logger: logger)
            return Opened(pathwayCase: reopened, isNew: true)
        }
        let today = SchoolDate.today
        let pathwayCase = PathwayCase(
            caseId: try await CaseStore.nextCaseID(year: today.year, on: connection, logger: logger), upn: upn, schoolUrn: school,
            stage: stage.rawValue, status: .active, urgency: urgency, leadProfessional: nil, caseworker: nil, existingPlan: "none",
            flags: pupil?.profile.flags ?? PupilProfile.Flags(), familyId: pupil?.profile.familyId, openedBy: actor.subject, openedAt: Date(),
            closedAt: nil, closedReason: nil, latestFigures: figures, severeAbsence: severe,
            stage3EntryRate: stage >= .supportChildAndFamily ? figures?.attendanceRate : nil,
            stage3EnteredOn: stage >= .supportChildAndFamily ? SchoolDate.today.iso : nil, noSupportRoute: false, approvalLapsesOn: nil)
        try await CaseStore.insert(pathwayCase, on: connection, logger: logger)
        try await openChecklists(pathwayCase.caseId, through: stage, on: connection, logger: logger)
        try await Chronology.append(pathwayCase.caseId, type: "case_opened", summary: "Case opened at stage \(stage.rawValue) (\(stage.title)): \(reason)",
                                    by: actor, sourceEvent: sourceEvent, details: details, on: connection, logger: logger)
        return Opened(pathwayCase: pathwayCase, isNew: true)
    }

    /// Adds the open items of every stage up to `stage` (items already there keep their state).
    static func openChecklists(_ caseID: String, through stage: PathwayStage, on connection: PostgresConnection, logger: Logger) async throws {
        var stages: [Int] = [], keys: [String] = []
        for each in PathwayStage.allCases where each <= stage {
            for item in each.checklist {
                stages.append(each.rawValue)
                keys.append(item.key)
            }
        }
        try await connection.query("""
            INSERT INTO checklist_items (case_id, stage, item_key, state)
            SELECT \(caseID), s, k, 'open' FROM unnest(\(stages)::int[], \(keys)::text[]) AS x(s, k)
            ON CONFLICT DO NOTHING
            """, logger: logger)
    }
}
