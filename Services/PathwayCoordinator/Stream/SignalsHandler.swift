import AttendanceDomain
import Events
import Foundation
import Logging
import Messaging
import PostgresNIO
import ServiceRuntime

/// Consumes `attendance.signals` (shared/PATHWAY.md §2.3). A signal may open a case and propose a move up;
/// it never issues anything: at a threshold a person decides. Severe absence alone raises a case to
/// stage 3 (support for the child and family): it is that stage's entry condition, and it asks nothing of the family.
struct SignalsHandler: BatchHandler {
    let settings: PathwaySettings

    func apply(_ messages: [KafkaMessage], in batch: inout ConsumedBatch, on connection: PostgresConnection) async throws {
        let calendars = CalendarCache(settings: settings)
        for message in messages {
            let envelope: EventEnvelope<AttendanceSignal>
            do { envelope = try EventCodec.decode(AttendanceSignal.self, from: message.value) } catch {
                batch.deadLetter(message, reason: "unreadable attendance.signals event: \(error)")
                continue
            }
            guard envelope.type == AttendanceSignal.type else { continue }
            try await SignalRules(settings: settings, signal: envelope.data, eventID: envelope.id, calendars: calendars,
                                  connection: connection, logger: batch.logger).apply()
        }
    }
}

/// The schools' calendars, read once per batch.
final class CalendarCache {
    let settings: PathwaySettings
    private var calendars: [String: WorkingCalendar] = [:]

    init(settings: PathwaySettings) { self.settings = settings }

    func calendar(for school: String, on connection: PostgresConnection, logger: Logger) async throws -> WorkingCalendar {
        if let known = calendars[school] { return known }
        let calendar = try await TermCalendars.calendar(for: school, settings: settings, on: connection, logger: logger)
        calendars[school] = calendar
        return calendar
    }
}

/// What one signal does to the pupil's case.
struct SignalRules {
    let settings: PathwaySettings
    let signal: AttendanceSignal
    let eventID: UUID
    let calendars: CalendarCache
    let connection: PostgresConnection
    let logger: Logger

    /// What the rules need of an open case; read and updated in one statement.
    struct OpenCase {
        var caseId: String
        var stage: Int
        var status: String
        var hasCaseworker: Bool
    }

    static let evidenceKinds: Set<AttendanceSignal.Kind> = [
        .emergingPersistentAbsence, .persistentAbsence, .severeAbsence, .penaltyNoticeThreshold, .unauthorised10Days, .illness15Days, .absence15Days,
        .lookedAfterAbsenceThreshold, .watchBreached, .watchEnded, .thresholdWithdrawn,
    ]

    var sessionDate: SchoolDate { SchoolDate(iso: signal.asOf.prefix(10)) ?? .today }

    func apply() async throws {
        switch signal.kind {
        case .emergingPersistentAbsence:
            try await openOrNote(stage: .identifyAndUnderstand, urgency: .low)
        case .persistentAbsence:
            let open = try await openOrNote(stage: .identifyAndUnderstand, urgency: .medium)
            if open.stage == PathwayStage.identifyAndUnderstand.rawValue {
                try await task(open, "propose_stage_3", "Persistent absence: if there is no improvement, consider moving to stage 3",
                               due: try await calendar().adding(schoolDays: 5 * settings.noImprovementWeeks, to: sessionDate))
            }
        case .severeAbsence:
            var open = try await openOrNote(stage: .supportChildAndFamily, urgency: .high)
            open = try await raiseForSevereAbsence(open)
            let calendar = try await calendar()
            if !open.hasCaseworker {
                try await task(open, "assign_caseworker", "Severe absence: assign an LA caseworker", due: calendar.adding(schoolDays: settings.caseworkerDays, to: sessionDate))
            }
            try await task(open, "tsm_pack", "Severe absence: add to the next targeting support meeting's pack", due: calendar.adding(schoolDays: 10, to: sessionDate))
            if open.stage == PathwayStage.supportChildAndFamily.rawValue {
                try await task(open, "propose_stage_4", "Severe absence: consider formalising support (stage 4)", due: calendar.adding(schoolDays: settings.caseworkerDays, to: sessionDate))
            }
        case .penaltyNoticeThreshold:
            let open = try await openOrNote(stage: .identifyAndUnderstand, urgency: .medium)
            let holiday = signal.sessions.filter { $0.code == "G" }.count
            let share = signal.sessions.isEmpty ? 0 : holiday * 100 / signal.sessions.count
            let detail = "Penalty notice threshold (\(signal.reason)): decide no action, support first, Notice to Improve or penalty notice"
                + (share >= settings.noSupportHolidayPercent ? "; \(share)% of the sessions are G (a term-time holiday): support may not be appropriate" : "")
            try await task(open, "penalty_consideration", detail, due: try await calendar().adding(schoolDays: settings.penaltyDecisionDays, to: sessionDate))
        case .illness15Days, .absence15Days:
            guard let open = try await noteOnOpenCase() else { return }
            try await task(open, "s19_consideration", "15 school days of illness: consider the LA's s19 duty (enforcement only on unauthorised sessions)",
                           due: try await calendar().adding(schoolDays: settings.s19Days, to: sessionDate))
        case .unauthorised10Days:
            guard let open = try await noteOnOpenCase() else { return }
            try await task(open, "la_informed", "10 school days of continuous unauthorised absence: the school has told the LA", due: sessionDate)
        case .recovered:
            guard let open = try await noteOnOpenCase() else { return }
            // Back above the persistent line with nothing else open: monitoring, reviewed later.
            let monitoring = signal.recoveredFrom == .persistentAbsence && open.status == CaseStatus.active.rawValue
            try await connection.query("""
                UPDATE cases SET severe_absence = severe_absence AND \(signal.recoveredFrom != .severeAbsence && !monitoring),
                                 status = CASE WHEN \(monitoring) THEN 'monitoring' ELSE status END
                WHERE case_id = \(open.caseId)
                """, logger: logger)
            if monitoring {
                try await task(open, "monitoring_review", "Recovered: review the monitoring",
                               due: try await calendar().adding(schoolDays: 5 * settings.monitoringWeeks, to: sessionDate))
            }
        case .thresholdWithdrawn:
            // The evidence behind a penalty threshold was amended away. A child looked after's crossing raised
            // nothing to undo (it is noted). With no other threshold standing, the consideration is not asked
            // for any more and the no-support route goes; a notice already running is reviewed by a person
            // (withdrawal for a material error).
            guard let open = try await noteOnOpenCase(), signal.recoveredFrom == .penaltyNoticeThreshold else { return }
            if try await PenaltyThresholds.tally(open.caseId, on: connection, logger: logger).standing == 0 {
                try await Tasks.complete(open.caseId, kind: "penalty_consideration", by: CaseActor.system.subject, on: connection, logger: logger)
                try await connection.query("UPDATE cases SET no_support_route = false WHERE case_id = \(open.caseId)", logger: logger)
            }
            let live = try await LegalStore.forCase(open.caseId, on: connection, logger: logger)
                .filter { ["notice_to_improve", "penalty_notice"].contains($0.kind) && LegalStore.openStates.contains($0.state) }
            if !live.isEmpty {
                try await task(open, "review_after_withdrawn_threshold",
                               "Penalty threshold withdrawn, \(signal.reason). Review \(live.map(\.id).joined(separator: ", ")): a notice issued on evidence since amended can be withdrawn for a material error",
                               due: try await calendar().adding(schoolDays: settings.penaltyDecisionDays, to: sessionDate))
            }
        case .watchBreached, .watchEnded:
            guard let watchID = signal.watchId else { return }
            try await Watches.answer(watchID, signal: signal, eventID: eventID, on: connection, logger: logger)
        case .firstDayAbsence, .firstDayAbsenceExplained, .pattern, .nUnresolved5Days, .lookedAfterAbsenceThreshold:
            try await noteOnOpenCase()
        }
    }

    /// The pupil's open case with the signal noted on it, or a case opened at `stage`.
    @discardableResult
    func openOrNote(stage: PathwayStage, urgency: Urgency) async throws -> OpenCase {
        if let open = try await noteOnOpenCase(urgency: urgency) { return open }
        let opened = try await CaseOpening.open(
            upn: signal.upn, school: signal.schoolUrn, stage: stage, urgency: urgency, by: .system, reason: signal.reason, figures: signal.figures,
            severe: signal.kind == .severeAbsence, sourceEvent: eventID, details: try CaseStore.json(signal), settings: settings, on: connection, logger: logger)
        let pathwayCase = opened.pathwayCase
        return OpenCase(caseId: pathwayCase.caseId, stage: pathwayCase.stage, status: pathwayCase.status.rawValue, hasCaseworker: pathwayCase.caseworker != nil)
    }

    /// Notes the signal on the pupil's open case, if there is one: the case's figures become the signal's and
    /// its urgency rises to `urgency`, in one statement (most signals touch nothing else).
    @discardableResult
    func noteOnOpenCase(urgency: Urgency = .low) async throws -> OpenCase? {
        let figures = try CaseStore.json(signal.figures)
        let rows = try await connection.query("""
            UPDATE cases SET latest_figures = \(figures)::jsonb, updated_at = now(),
                urgency = CASE WHEN urgency = 'high' OR \(urgency.rawValue) = 'high' THEN 'high'
                               WHEN urgency = 'medium' OR \(urgency.rawValue) = 'medium' THEN 'medium' ELSE 'low' END
            WHERE upn = \(signal.upn) AND status <> 'closed'
            RETURNING case_id, stage, status, caseworker IS NOT NULL
            """, logger: logger)
        var open: OpenCase?
        for try await row in rows.decode((String, Int, String, Bool).self) { open = OpenCase(caseId: row.0, stage: row.1, status: row.2, hasCaseworker: row.3) }
        guard let open else { return nil }
        // The evidence of threshold signals is kept whole (the panel pack shows it); a first day or a pattern is its line.
        let details = Self.evidenceKinds.contains(signal.kind) ? try CaseStore.json(signal) : nil
        try await Chronology.append(open.caseId, type: "signal", summary: "\(signal.kind.rawValue): \(signal.reason)", by: .system,
                                    sourceEvent: eventID, details: details, on: connection, logger: logger)
        return open
    }

    /// Severe absence raises a case below stage 3 to stage 3, its earlier checklists left as they are.
    func raiseForSevereAbsence(_ open: OpenCase) async throws -> OpenCase {
        let rows = try await connection.query("""
            UPDATE cases SET severe_absence = true, urgency = 'high', stage = greatest(stage, 3),
                stage3_entry_rate = CASE WHEN stage < 3 THEN \(signal.figures.attendanceRate) ELSE stage3_entry_rate END,
                stage3_entered_on = CASE WHEN stage < 3 THEN \(sessionDate.iso) ELSE stage3_entered_on END
            WHERE case_id = \(open.caseId) RETURNING stage
            """, logger: logger)
        var raised = open
        for try await stage in rows.decode(Int.self) { raised.stage = stage }
        if raised.stage != open.stage {
            try await CaseOpening.openChecklists(open.caseId, through: .supportChildAndFamily, on: connection, logger: logger)
            try await Chronology.append(open.caseId, type: "stage_move", summary: "Stage \(open.stage) → 3 (severe absence: \(signal.reason)); earlier checklists stay open",
                                        by: .system, on: connection, logger: logger)
        }
        return raised
    }

    func task(_ open: OpenCase, _ kind: String, _ detail: String, due: SchoolDate) async throws {
        try await Tasks.raise(open.caseId, kind: kind, detail: detail, due: due.iso, source: eventID.uuidString, on: connection, logger: logger)
    }

    func calendar() async throws -> WorkingCalendar {
        try await calendars.calendar(for: signal.schoolUrn, on: connection, logger: logger)
    }
}
