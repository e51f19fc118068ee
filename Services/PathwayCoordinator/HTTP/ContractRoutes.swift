import AttendanceDomain
import Events
import Foundation
import Hummingbird
import Logging
import PostgresNIO
import ServiceRuntime
import Storage

/// Attendance contracts (shared/PATHWAY.md §2.5): voluntary, agreed with each parent at a meeting, never in
/// their absence; reviewed after 4 to 6 school weeks, with a watch on the detector over the period.
/// `POST /v1/cases/{id}/legal/attendance-contract`, `PUT /v1/attendance-contracts/{contract}`.
struct ContractRoutes: Sendable {
    let postgres: PostgresClient
    let settings: PathwaySettings
    let logger: Logger
    let work: CaseWorkRoutes
    let legal: LegalRoutes

    func add(to api: RouterGroup<ServiceRequestContext>) {
        let officers = api.group().add(middleware: RequireRoles([.laOfficer, .legalOfficer]))
        officers.post("/v1/cases/:id/legal/attendance-contract") { request, context in try await propose(request, context) }
        officers.put("/v1/attendance-contracts/:contract") { request, context in try await record(request, context) }
    }

    struct Proposal: Decodable {
        var contactIds: [String]?
        /// The meeting at which it is to be agreed.
        var meetingDate: String
    }

    func propose(_ request: Request, _ context: ServiceRequestContext) async throws -> Response {
        let proposal = try await APIBody.decode(Proposal.self, request)
        let meeting = try APIBody.date(proposal.meetingDate, field: "meetingDate")
        return try await work.change(request, context, status: .created) { pathwayCase, actor, connection in
            let pupil = try await Pupils.load(school: pathwayCase.schoolUrn, upn: pathwayCase.upn, on: connection, logger: logger)
            let parents = try legal.recipients(proposal.contactIds, pupil: pupil)
            var unmet = CaseGuards(pathwayCase: pathwayCase, settings: settings, connection: connection, logger: logger).notLookedAfter()
            if pathwayCase.stage < PathwayStage.formaliseSupport.rawValue {
                unmet.append(UnmetGuard("stage_4", "an attendance contract formalises support: the case is at stage \(pathwayCase.stage)"))
            }
            if parents.isEmpty { unmet.append(UnmetGuard("parent_with_responsibility", "no parent with parental responsibility on the roster")) }
            try MoveRefused.check("attendance contract", unmet)
            let group = try await LegalStore.nextID(prefix: "AC", caseID: pathwayCase.caseId, on: connection, logger: logger)
            var contracts: [LegalIntervention] = []
            for parent in parents {
                let contract = LegalIntervention(id: "\(group)-\(parent.contactId)", caseId: pathwayCase.caseId, kind: "attendance_contract", upn: pathwayCase.upn,
                                                 contactId: parent.contactId, state: "meeting_booked", issuedOn: nil, receiptOn: nil, endsOn: nil,
                                                 details: ["watchId": .string(group), "meetingDate": .string(meeting.iso)])
                try await LegalStore.insert(contract, by: actor.subject, on: connection, logger: logger)
                contracts.append(contract)
            }
            try await Outgoing.send(try parents.map { parent in
                try Outgoing.notification(NotificationRequested(
                    requestId: "\(group)-invite-\(parent.contactId)", caseId: pathwayCase.caseId, schoolUrn: pathwayCase.schoolUrn, upn: pathwayCase.upn,
                    templateKey: "contract_invitation", audience: .parent, contactId: parent.contactId, fields: ["meetingDate": meeting.iso], causedBy: actor.subject))
            }, on: connection, logger: logger)
            try await Chronology.append(pathwayCase.caseId, type: "legal", summary: "Attendance contract \(group) proposed; meeting \(meeting.iso), a separate invitation to each of \(parents.count) parent(s)",
                                        by: actor, on: connection, logger: logger)
            return contracts
        }
    }

    struct Step: Decodable {
        /// `signed`, `declined`, `completed`, `failed`.
        var state: String
        var on: String
        /// Review period in school weeks after signing, 4 to 6 (default 6).
        var reviewWeeks: Int?
    }

    func record(_ request: Request, _ context: ServiceRequestContext) async throws -> Response {
        let step = try await APIBody.decode(Step.self, request)
        let moves: [String: [String]] = ["meeting_booked": ["signed", "declined"], "signed": ["completed", "failed"], "under_review": ["completed", "failed"]]
        try APIBody.require(["signed", "declined", "completed", "failed"].contains(step.state), "state", "expected signed, declined, completed or failed")
        let date = try APIBody.date(step.on, field: "on")
        let weeks = step.reviewWeeks ?? 6
        try APIBody.require((4...6).contains(weeks), "reviewWeeks", "a contract is reviewed after 4 to 6 school weeks")
        let id = context.parameters.get("contract") ?? ""
        return try await APITransaction.run(postgres, logger: logger) { connection in
            guard let contract = try await LegalStore.find(where: "id = $1 AND kind = 'attendance_contract'", CaseStore.binds(id), on: connection, logger: logger).first,
                  let pathwayCase = try await CaseStore.load(contract.caseId, forUpdate: true, on: connection, logger: logger),
                  CaseAccess.maySee(pathwayCase, try context.caller()) else {
                context.access.refused("attendance contract \(id) is outside the caller's scope, or does not exist")
                throw RequestRefused(.notFound, "no attendance contract \(id)")
            }
            context.access.caseID(pathwayCase.caseId)
            context.access.pupil(pathwayCase.upn)
            try MoveRefused.check("attendance contract", (moves[contract.state] ?? []).contains(step.state) ? [] : [
                UnmetGuard("contract_state", "contract \(id) is \(contract.state): it cannot become \(step.state)")])
            var details: [String: JSONValue] = ["\(step.state)On": .string(date.iso)]
            if step.state == "signed" {
                let calendar = try await TermCalendars.calendar(for: pathwayCase.schoolUrn, settings: settings, on: connection, logger: logger)
                let period = calendar.period(ofSchoolWeeks: weeks, after: date)
                details["reviewOn"] = .string(period.upperBound.iso)
                if let watch = contract.details["watchId"]?.string {
                    // One watch per contract: the first parent to sign starts it; another parent's signature finds it there.
                    try await Outgoing.send([try Outgoing.watch(AttendanceWatchRequested(
                        watchId: watch, schoolUrn: pathwayCase.schoolUrn, upn: pathwayCase.upn, from: period.lowerBound.iso, to: period.upperBound.iso,
                        maxUnauthorisedSessions: settings.noticeToImproveMaxUnauthorised))], on: connection, logger: logger)
                    try await Tasks.raise(pathwayCase.caseId, kind: "contract_review", detail: "Review attendance contract \(watch)", due: period.upperBound.iso,
                                          source: watch, on: connection, logger: logger)
                }
            }
            try await LegalStore.setState(id, step.state, details: details, on: connection, logger: logger)
            try await Chronology.append(pathwayCase.caseId, type: "legal", summary: "Attendance contract \(id) \(step.state) on \(date.iso)",
                                        by: try CaseAccess.actor(context), parentEngagement: step.state == "declined" ? "declined" : nil, on: connection, logger: logger)
            try await context.recordAccess(request, status: .ok, on: connection, logger: logger)
            return try JSONResponse.make(.ok, ["id": id, "state": step.state])
        }
    }
}
