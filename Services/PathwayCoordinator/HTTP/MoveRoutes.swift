import AttendanceDomain
import Events
import Foundation
import Hummingbird
import Logging
import PostgresNIO
import ServiceRuntime

/// Moves along the pathway, each behind its guards: `POST /v1/cases/{id}/stage`, `/oversight`, `/referral`,
/// and the panel pack, `GET /v1/cases/{id}/panel-pack`.
struct MoveRoutes: Sendable {
    let postgres: PostgresClient
    let settings: PathwaySettings
    let logger: Logger
    let work: CaseWorkRoutes

    func add(to api: RouterGroup<ServiceRequestContext>) {
        api.group().add(middleware: RequireRoles(CaseWorkRoutes.workers)).post("/v1/cases/:id/stage") { request, context in try await move(request, context) }
        api.group().add(middleware: RequireRoles([.laManager])).post("/v1/cases/:id/oversight") { request, context in try await oversee(request, context) }
        api.group().add(middleware: RequireRoles([.laOfficer, .schoolLead])).post("/v1/cases/:id/referral") { request, context in try await refer(request, context) }
        api.group().add(middleware: RequireRoles([.laOfficer, .laManager, .panelChair])).get("/v1/cases/:id/panel-pack") { _, context in try await pack(context) }
    }

    struct StageMove: Decodable {
        var to: Int
        /// Required to step down.
        var reason: String?
    }

    /// Up one stage (2 → 3, 3 → 4) behind the checklist and improvement guards; down with a reason.
    func move(_ request: Request, _ context: ServiceRequestContext) async throws -> Response {
        let move = try await APIBody.decode(StageMove.self, request)
        try APIBody.require((1...4).contains(move.to), "to", "expected a stage from 1 to 4 (stage 5 follows the panel's approval)")
        return try await work.change(request, context) { original, actor, connection in
            var pathwayCase = original
            let guards = CaseGuards(pathwayCase: pathwayCase, settings: settings, connection: connection, logger: logger)
            if move.to > pathwayCase.stage {
                var unmet: [UnmetGuard] = []
                if move.to != pathwayCase.stage + 1 { unmet.append(UnmetGuard("one_stage_at_a_time", "the case is at stage \(pathwayCase.stage): the next is \(pathwayCase.stage + 1)")) }
                if ![.active, .monitoring].contains(pathwayCase.status) { unmet.append(UnmetGuard("case_active", "the case is \(pathwayCase.status.rawValue)")) }
                let before = PathwayStage.allCases.filter { $0.rawValue < move.to }
                unmet += try await guards.checklistsComplete(move.to == 3 ? [.prevention, .identifyAndUnderstand] : before.filter { $0.rawValue >= 3 })
                if move.to == 4 {
                    let calendar = try await TermCalendars.calendar(for: pathwayCase.schoolUrn, settings: settings, on: connection, logger: logger)
                    unmet += guards.noImprovement(calendar: calendar)
                }
                try MoveRefused.check("stage \(pathwayCase.stage) → \(move.to)", unmet)
                if move.to == 3 {
                    pathwayCase.stage3EntryRate = pathwayCase.latestFigures?.attendanceRate
                    pathwayCase.stage3EnteredOn = SchoolDate.today.iso
                }
            } else {
                try APIBody.require(move.to < pathwayCase.stage, "to", "the case is already at stage \(pathwayCase.stage)")
                try APIBody.require(!(move.reason ?? "").isEmpty, "reason", "is required to step a case down")
            }
            let from = pathwayCase.stage
            pathwayCase.stage = move.to
            if pathwayCase.status == .monitoring { pathwayCase.status = .active }
            try await CaseStore.update(pathwayCase, on: connection, logger: logger)
            try await CaseOpening.openChecklists(pathwayCase.caseId, through: pathwayCase.pathwayStage, on: connection, logger: logger)
            try await Tasks.complete(pathwayCase.caseId, kind: "propose_stage_\(move.to)", by: actor.subject, on: connection, logger: logger)
            let stage = pathwayCase.pathwayStage
            try await Chronology.append(pathwayCase.caseId, type: "stage_move", summary: "Stage \(from) → \(move.to) (\(stage.title))\(move.reason.map { ": \($0)" } ?? "")",
                                        by: actor, on: connection, logger: logger)
            return pathwayCase
        }
    }

    struct Oversight: Decodable {
        /// `approve` or `refer_back`.
        var decision: String
        var rationale: String
    }

    /// A manager's oversight, recorded whoever they are; whether it is independent is the referral's guard.
    func oversee(_ request: Request, _ context: ServiceRequestContext) async throws -> Response {
        let oversight = try await APIBody.decode(Oversight.self, request)
        try APIBody.require(["approve", "refer_back"].contains(oversight.decision), "decision", "expected approve or refer_back")
        try APIBody.require(!oversight.rationale.isEmpty, "rationale", "must not be empty: oversight is evidenced in the plan")
        return try await work.change(request, context, status: .created) { pathwayCase, actor, connection in
            try await connection.query("""
                INSERT INTO oversight (case_id, approver, decision, rationale) VALUES (\(pathwayCase.caseId), \(actor.subject), \(oversight.decision), \(oversight.rationale))
                """, logger: logger)
            try await Chronology.append(pathwayCase.caseId, type: "oversight", summary: "Management oversight: \(oversight.decision). \(oversight.rationale)",
                                        by: actor, outcome: oversight.decision, on: connection, logger: logger)
            return ["decision": oversight.decision]
        }
    }

    struct Referral: Decodable { var answers: ReferralAnswers }

    /// Stage 4 → the AttendancePathway meeting (shared/PATHWAY.md §2.2 "4 → referral"), every guard checked.
    func refer(_ request: Request, _ context: ServiceRequestContext) async throws -> Response {
        let referral = try await APIBody.decode(Referral.self, request)
        let answers = referral.answers
        for (field, text) in [("answers.fitsFamilyCircumstances", answers.fitsFamilyCircumstances), ("answers.bestInterestsOfChild", answers.bestInterestsOfChild),
                              ("answers.willImproveAttendance", answers.willImproveAttendance)] {
            try APIBody.require(!text.trimmingCharacters(in: .whitespaces).isEmpty, field, "must be answered in writing")
        }
        return try await work.change(request, context, status: .created) { original, actor, connection in
            var pathwayCase = original
            let guards = CaseGuards(pathwayCase: pathwayCase, settings: settings, connection: connection, logger: logger)
            let pupil = try await Pupils.load(school: pathwayCase.schoolUrn, upn: pathwayCase.upn, on: connection, logger: logger)
            var unmet: [UnmetGuard] = guards.notLookedAfter()
            if pathwayCase.stage != PathwayStage.formaliseSupport.rawValue || pathwayCase.status != .active {
                unmet.append(UnmetGuard("stage_4_active", "the case is at stage \(pathwayCase.stage), \(pathwayCase.status.rawValue): a referral is made from stage 4, active"))
            }
            unmet += try await guards.checklistsComplete([.formaliseSupport])
            unmet += try await guards.oversight()
            unmet += guards.unauthorisedAbsence()
            unmet += try await guards.consultations()
            unmet += try await guards.supportFirst(parents: pupil?.parents ?? [])
            if pathwayCase.leadProfessional == nil { unmet.append(UnmetGuard("lead_professional", "no lead professional is named on the case")) }
            if pupil == nil { unmet.append(UnmetGuard("roster_profile", "the roster has not sent this pupil's name and date of birth")) }
            try MoveRefused.check("referral", unmet)
            guard let pupil, let lead = pathwayCase.leadProfessional else { throw MoveRefused(move: "referral", unmet: unmet) }
            let referralID = "R-\(pathwayCase.caseId)-\(try await referralCount(pathwayCase.caseId, connection) + 1)"
            let request = MeetingRequested(
                caseId: pathwayCase.caseId, referralId: referralID, upn: pathwayCase.upn, forename: pupil.profile.forename, surname: pupil.profile.surname,
                dateOfBirth: pupil.profile.dateOfBirth, schoolUrn: pathwayCase.schoolUrn, schoolName: nil, leadProfessional: lead,
                urgency: .init(attendancePercent: pathwayCase.latestFigures?.attendanceRate, severeAbsence: pathwayCase.severeAbsence,
                               hardDeadline: try await hardDeadline(pathwayCase.caseId, connection)),
                requiredAttendees: [lead.subject] + (pathwayCase.caseworker.map { [$0] } ?? []))
            let pack = try await Referrals.pack(for: pathwayCase, pupil: pupil, referralID: referralID, answers: answers, on: connection, logger: logger)
            let stored = "{\"request\": \(try CaseStore.json(request)), \"pack\": \(try CaseStore.json(pack))}"
            try await connection.query("""
                INSERT INTO referrals (referral_id, case_id, state, requested_by, pack) VALUES (\(referralID), \(pathwayCase.caseId), 'requested', \(actor.subject), \(stored)::jsonb)
                """, logger: logger)
            try await Outgoing.send([try Outgoing.meetingRequested(request)], on: connection, logger: logger)
            pathwayCase.status = .awaitingMeeting
            try await CaseStore.update(pathwayCase, on: connection, logger: logger)
            try await Chronology.append(pathwayCase.caseId, type: "referral", summary: "Referred to the AttendancePathway meeting (\(referralID))", by: actor,
                                        on: connection, logger: logger)
            return ["referralId": referralID]
        }
    }

    func referralCount(_ caseID: String, _ connection: PostgresConnection) async throws -> Int {
        var count = 0
        for try await value in try await connection.query("SELECT count(*) FROM referrals WHERE case_id = \(caseID)", logger: logger).decode(Int.self) { count = value }
        return count
    }

    /// The earliest hard deadline of the case's open interventions (a notice's end).
    func hardDeadline(_ caseID: String, _ connection: PostgresConnection) async throws -> String? {
        var earliest: String?
        for try await value in try await connection.query("""
            SELECT min(ends_on) FROM legal_interventions WHERE case_id = \(caseID) AND state = 'active' AND ends_on IS NOT NULL
            """, logger: logger).decode(String?.self) { earliest = value }
        return earliest
    }

    /// The pack of the case's latest referral, as it was at referral. A panel chair reads it from 2 working
    /// days before the session it is booked for.
    func pack(_ context: ServiceRequestContext) async throws -> Response {
        try await postgres.withConnection { connection in
            let pathwayCase = try await CaseAccess.visibleCase(context, on: connection, logger: logger)
            let rows = try await connection.query("""
                SELECT (pack->'pack')::text, coalesce(booking->>'startsAt', '') FROM referrals WHERE case_id = \(pathwayCase.caseId) ORDER BY requested_at DESC LIMIT 1
                """, logger: logger)
            for try await (pack, startsAt) in rows.decode((String, String).self) {
                let caller = try context.caller()
                if !caller.has(anyOf: [.laOfficer, .laManager]) {
                    let session = SchoolDate(iso: startsAt.prefix(10))
                    let calendar = try await TermCalendars.calendar(for: pathwayCase.schoolUrn, settings: settings, on: connection, logger: logger)
                    guard let session, calendar.adding(workingDays: 2, to: SchoolDate.today) >= session else {
                        throw RequestRefused(.conflict, "the panel pack opens to panel members 2 working days before the session it is booked for")
                    }
                }
                return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: pack)))
            }
            throw RequestRefused(.notFound, "case \(pathwayCase.caseId) has not been referred")
        }
    }
}
