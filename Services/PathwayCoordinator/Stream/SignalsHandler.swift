import AttendanceDomain
import Events
import Foundation
import Logging
import Messaging
import PostgresNIO
import ServiceRuntime

/// Consumes `attendance.signals` (shared/PATHWAY.md §2.3). A signal may open a case and propose a move up;
/// it never moves a case up and never issues anything: at a threshold a person decides.
struct SignalsHandler: BatchHandler {
    let settings: PathwaySettings

    func apply(_ messages: [KafkaMessage], in batch: inout ConsumedBatch, on connection: PostgresConnection) async throws {
        for message in messages {
            let envelope: EventEnvelope<AttendanceSignal>
            do { envelope = try EventCodec.decode(AttendanceSignal.self, from: message.value) } catch {
                batch.deadLetter(message, reason: "unreadable attendance.signals event: \(error)")
                continue
            }
            guard envelope.type == AttendanceSignal.type else { continue }
            try await SignalRules(settings: settings, signal: envelope.data, eventID: envelope.id, connection: connection, logger: batch.logger).apply()
        }
    }
}

/// What one signal does to the pupil's case.
struct SignalRules {
    let settings: PathwaySettings
    let signal: AttendanceSignal
    let eventID: UUID
    let connection: PostgresConnection
    let logger: Logger

    var sessionDate: SchoolDate { SchoolDate(iso: signal.asOf.prefix(10)) ?? SchoolDate.today }

    func apply() async throws {
        switch signal.kind {
        case .emergingPersistentAbsence:
            try await openOrNote(stage: .identifyAndUnderstand, urgency: .low)
        case .persistentAbsence:
            guard let opened = try await openOrNote(stage: .identifyAndUnderstand, urgency: .medium) else { return }
            if opened.stage == PathwayStage.identifyAndUnderstand.rawValue {
                try await task(opened, "propose_stage_3", "No improvement since persistent absence: consider moving to stage 3",
                               due: try await calendar().adding(schoolDays: 5 * settings.noImprovementWeeks, to: sessionDate))
            }
        case .severeAbsence:
            guard var opened = try await openOrNote(stage: .supportChildAndFamily, urgency: .high) else { return }
            opened.urgency = .high
            opened.severeAbsence = true
            try await CaseStore.update(opened, on: connection, logger: logger)
            let calendar = try await calendar()
            if opened.caseworker == nil {
                try await task(opened, "assign_caseworker", "Severe absence: assign an LA caseworker",
                               due: calendar.adding(schoolDays: settings.caseworkerDays, to: sessionDate))
            }
            try await task(opened, "tsm_pack", "Severe absence: add to the next targeting support meeting's pack", due: calendar.adding(schoolDays: 10, to: sessionDate))
            if opened.stage < PathwayStage.formaliseSupport.rawValue {
                let next = opened.stage + 1
                try await task(opened, "propose_stage_\(next)", "Severe absence: consider moving to stage \(next)", due: calendar.adding(schoolDays: settings.caseworkerDays, to: sessionDate))
            }
        case .penaltyNoticeThreshold:
            guard let opened = try await openOrNote(stage: .identifyAndUnderstand, urgency: .medium) else { return }
            let holiday = signal.sessions.filter { $0.code == "G" }.count
            let share = signal.sessions.isEmpty ? 0 : holiday * 100 / signal.sessions.count
            let detail = "Penalty notice threshold (\(signal.reason)): decide no action, support first, Notice to Improve or penalty notice"
                + (share >= settings.noSupportHolidayPercent ? "; \(share)% of the sessions are G (a term-time holiday): support may not be appropriate" : "")
            try await task(opened, "penalty_consideration", detail, due: try await calendar().adding(schoolDays: settings.penaltyDecisionDays, to: sessionDate))
        case .illness15Days, .absence15Days:
            guard let open = try await noteOnOpenCase() else { return }
            try await task(open, "s19_consideration", "15 school days of illness: consider the LA's s19 duty (enforcement only on unauthorised sessions)",
                           due: try await calendar().adding(schoolDays: settings.s19Days, to: sessionDate))
        case .unauthorised10Days:
            guard let open = try await noteOnOpenCase() else { return }
            try await task(open, "la_informed", "10 school days of continuous unauthorised absence: the school has told the LA", due: sessionDate)
        case .recovered:
            guard var open = try await noteOnOpenCase() else { return }
            if signal.recoveredFrom == .severeAbsence { open.severeAbsence = false }
            // Back above the persistent line with nothing else open: monitoring, reviewed later.
            if signal.recoveredFrom == .persistentAbsence, open.status == .active {
                open.status = .monitoring
                open.severeAbsence = false
                try await task(open, "monitoring_review", "Recovered: review the monitoring",
                               due: try await calendar().adding(schoolDays: 5 * settings.monitoringWeeks, to: sessionDate))
            }
            try await CaseStore.update(open, on: connection, logger: logger)
        case .watchBreached, .watchEnded:
            guard let watchID = signal.watchId else { return }
            try await Watches.answer(watchID, signal: signal, eventID: eventID, on: connection, logger: logger)
        case .firstDayAbsence, .firstDayAbsenceExplained, .pattern, .nUnresolved5Days, .lookedAfterAbsenceThreshold:
            try await noteOnOpenCase()
        }
    }

    /// Opens a case at `stage` (or finds the open one) and notes the signal; nil for a pupil not of compulsory
    /// school age, whom the detector does not flag for thresholds anyway.
    @discardableResult
    func openOrNote(stage: PathwayStage, urgency: Urgency) async throws -> PathwayCase? {
        let opened = try await CaseOpening.open(
            upn: signal.upn, school: signal.schoolUrn, stage: stage, urgency: urgency, by: .system, reason: signal.reason, figures: signal.figures,
            severe: signal.kind == .severeAbsence, sourceEvent: eventID, details: try CaseStore.json(signal), settings: settings, on: connection, logger: logger)
        var pathwayCase = opened.pathwayCase
        if !opened.isNew {
            pathwayCase.latestFigures = signal.figures
            pathwayCase.urgency = max(pathwayCase.urgency, urgency)
            try await CaseStore.update(pathwayCase, on: connection, logger: logger)
            try await note(pathwayCase)
        }
        return pathwayCase
    }

    /// Notes the signal on the pupil's open case, if there is one.
    @discardableResult
    func noteOnOpenCase() async throws -> PathwayCase? {
        guard var open = try await CaseStore.openCase(upn: signal.upn, on: connection, logger: logger) else { return nil }
        open.latestFigures = signal.figures
        try await CaseStore.update(open, on: connection, logger: logger)
        try await note(open)
        return open
    }

    func note(_ pathwayCase: PathwayCase) async throws {
        try await Chronology.append(pathwayCase.caseId, type: "signal", summary: "\(signal.kind.rawValue): \(signal.reason)", by: .system,
                                    sourceEvent: eventID, details: try CaseStore.json(signal), on: connection, logger: logger)
    }

    func task(_ pathwayCase: PathwayCase, _ kind: String, _ detail: String, due: SchoolDate) async throws {
        try await Tasks.raise(pathwayCase.caseId, kind: kind, detail: detail, due: due.iso, source: eventID.uuidString, on: connection, logger: logger)
    }

    func calendar() async throws -> WorkingCalendar {
        try await TermCalendars.calendar(for: signal.schoolUrn, settings: settings, on: connection, logger: logger)
    }
}
