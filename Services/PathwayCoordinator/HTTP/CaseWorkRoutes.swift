import AttendanceDomain
import Events
import Foundation
import Hummingbird
import Logging
import PostgresNIO
import ServiceRuntime

/// The work on a case: checklist items, support offers and their responses, SMART targets, who works it, closing.
struct CaseWorkRoutes: Sendable {
    let postgres: PostgresClient
    let logger: Logger

    static let workers: Set<Role> = [.laOfficer, .laManager, .schoolLead]

    func add(to api: RouterGroup<ServiceRequestContext>) {
        let work = api.group().add(middleware: RequireRoles(Self.workers))
        work.put("/v1/cases/:id/checklist/:stage/:item") { request, context in try await checklist(request, context) }
        work.post("/v1/cases/:id/support-offers") { request, context in try await offer(request, context) }
        work.put("/v1/cases/:id/support-offers/:offer") { request, context in try await response(request, context) }
        work.post("/v1/cases/:id/targets") { request, context in try await target(request, context) }
        work.put("/v1/cases/:id/targets/:target/review") { request, context in try await review(request, context) }
        work.post("/v1/cases/:id/close") { request, context in try await close(request, context) }
        api.group().add(middleware: RequireRoles([.laOfficer, .laManager])).put("/v1/cases/:id/assignment") { request, context in
            try await assign(request, context)
        }
    }

    /// Runs a change to the path's case in one transaction with its chronology entry and its audit row.
    func change(_ request: Request, _ context: ServiceRequestContext, status: HTTPResponse.Status = .ok,
                _ body: @escaping @Sendable (PathwayCase, CaseActor, PostgresConnection) async throws -> any Encodable) async throws -> Response {
        let actor = try CaseAccess.actor(context)
        return try await APITransaction.run(postgres, logger: logger) { connection in
            let pathwayCase = try await CaseAccess.visibleCase(context, forUpdate: true, on: connection, logger: logger)
            // A closed case is kept as it was closed; a new concern reopens it (a signal, or POST /v1/cases).
            try MoveRefused.check("change", pathwayCase.status == .closed ? [UnmetGuard("case_open", "case \(pathwayCase.caseId) is closed (\(pathwayCase.closedReason ?? "no reason")): reopen it first")] : [])
            let answer = try await body(pathwayCase, actor, connection)
            try await context.recordAccess(request, status: status, on: connection, logger: logger)
            return try JSONResponse.make(status, AnyEncodable(answer))
        }
    }

    struct ItemState: Decodable {
        /// `done`, `not_applicable` (a reason is required) or `open`.
        var state: String
        var reason: String?
        /// SHA-256 of evidence documents already recorded on the case.
        var evidence: [String]?
    }

    func checklist(_ request: Request, _ context: ServiceRequestContext) async throws -> Response {
        let update = try await APIBody.decode(ItemState.self, request)
        let stageText = context.parameters.get("stage") ?? "", key = context.parameters.get("item") ?? ""
        guard let stage = Int(stageText).flatMap(PathwayStage.init(rawValue:)), let item = stage.checklist.first(where: { $0.key == key }) else {
            throw RequestRefused(.notFound, "no checklist item \(key) at stage \(stageText)")
        }
        try APIBody.require(["done", "not_applicable", "open"].contains(update.state), "state", "expected done, not_applicable or open")
        try APIBody.require(update.state != "not_applicable" || !(update.reason ?? "").isEmpty, "reason", "is required when an item is not applicable")
        return try await change(request, context) { pathwayCase, actor, connection in
            guard stage.rawValue <= pathwayCase.stage else {
                throw RequestRefused(.conflict, "stage \(stage.rawValue)'s checklist is not open: the case is at stage \(pathwayCase.stage)")
            }
            let done = update.state != "open"
            try await connection.query("""
                INSERT INTO checklist_items (case_id, stage, item_key, state, reason, evidence, done_by, done_at)
                VALUES (\(pathwayCase.caseId), \(stage.rawValue), \(key), \(update.state), \(update.reason), \(update.evidence ?? []),
                        \(done ? actor.subject : nil), CASE WHEN \(done) THEN now() END)
                ON CONFLICT (case_id, stage, item_key) DO UPDATE SET state = EXCLUDED.state, reason = EXCLUDED.reason, evidence = EXCLUDED.evidence,
                    done_by = EXCLUDED.done_by, done_at = EXCLUDED.done_at
                """, logger: logger)
            try await Chronology.append(pathwayCase.caseId, type: "checklist", summary: "Stage \(stage.rawValue) \"\(item.question)\": \(update.state)\(update.reason.map { " (\($0))" } ?? "")",
                                        by: actor, evidence: update.evidence ?? [], on: connection, logger: logger)
            return ["stage": AnyEncodable(stage.rawValue), "item": AnyEncodable(key), "state": AnyEncodable(update.state)]
        }
    }

    struct Offer: Decodable {
        var what: String
        /// The parent offered it (MIS contact id); none for an offer to the child.
        var contactId: String?
        var offeredOn: String
    }

    func offer(_ request: Request, _ context: ServiceRequestContext) async throws -> Response {
        let offer = try await APIBody.decode(Offer.self, request)
        try APIBody.require(!offer.what.isEmpty, "what", "must not be empty")
        let date = try APIBody.date(offer.offeredOn, field: "offeredOn")
        return try await change(request, context, status: .created) { pathwayCase, actor, connection in
            let rows = try await connection.query("""
                INSERT INTO support_offers (case_id, what, contact_id, offered_on, offered_by)
                VALUES (\(pathwayCase.caseId), \(offer.what), \(offer.contactId), \(date.iso), \(actor.subject)) RETURNING id
                """, logger: logger)
            var id: Int64 = 0
            for try await value in rows.decode(Int64.self) { id = value }
            try await Chronology.append(pathwayCase.caseId, type: "support_offer", summary: "Support offered\(offer.contactId.map { " to parent \($0)" } ?? ""): \(offer.what)",
                                        by: actor, on: connection, logger: logger)
            return ["id": id]
        }
    }

    struct OfferResponse: Decodable {
        /// `accepted`, `declined`, `no_response`.
        var response: String
        var respondedOn: String
    }

    func response(_ request: Request, _ context: ServiceRequestContext) async throws -> Response {
        let answer = try await APIBody.decode(OfferResponse.self, request)
        try APIBody.require(["accepted", "declined", "no_response"].contains(answer.response), "response", "expected accepted, declined or no_response")
        let date = try APIBody.date(answer.respondedOn, field: "respondedOn")
        let offer = Int64(context.parameters.get("offer") ?? "") ?? -1
        return try await change(request, context) { pathwayCase, actor, connection in
            let rows = try await connection.query("""
                UPDATE support_offers SET response = \(answer.response), responded_on = \(date.iso)
                WHERE id = \(offer) AND case_id = \(pathwayCase.caseId) RETURNING what
                """, logger: logger)
            var what: String?
            for try await value in rows.decode(String.self) { what = value }
            guard let what else { throw RequestRefused(.notFound, "no support offer \(offer) in case \(pathwayCase.caseId)") }
            try await Chronology.append(pathwayCase.caseId, type: "support_offer", summary: "Response to \"\(what)\": \(answer.response)", by: actor,
                                        parentEngagement: answer.response == "accepted" ? "engaged" : answer.response, on: connection, logger: logger)
            return ["id": AnyEncodable(offer), "response": AnyEncodable(answer.response)]
        }
    }

    struct Target: Decodable {
        /// `child`, `family`, `school`, `professional`.
        var owner: String
        var description: String
        var measure: String
        var due: String
    }

    func target(_ request: Request, _ context: ServiceRequestContext) async throws -> Response {
        let target = try await APIBody.decode(Target.self, request)
        try APIBody.require(["child", "family", "school", "professional"].contains(target.owner), "owner", "expected child, family, school or professional")
        try APIBody.require(!target.description.isEmpty, "description", "must not be empty")
        try APIBody.require(!target.measure.isEmpty, "measure", "must not be empty: a SMART target is measurable")
        let due = try APIBody.date(target.due, field: "due")
        return try await change(request, context, status: .created) { pathwayCase, actor, connection in
            let rows = try await connection.query("""
                INSERT INTO smart_targets (case_id, owner, description, measure, due, source)
                VALUES (\(pathwayCase.caseId), \(target.owner), \(target.description), \(target.measure), \(due.iso), \(actor.subject)) RETURNING id
                """, logger: logger)
            var id: Int64 = 0
            for try await value in rows.decode(Int64.self) { id = value }
            try await Chronology.append(pathwayCase.caseId, type: "target", summary: "SMART target (\(target.owner)) due \(due.iso): \(target.description); measured by \(target.measure)",
                                        by: actor, on: connection, logger: logger)
            return ["id": id]
        }
    }

    struct Review: Decodable {
        /// `met`, `partly_met`, `not_met`.
        var result: String
        var note: String?
    }

    func review(_ request: Request, _ context: ServiceRequestContext) async throws -> Response {
        let review = try await APIBody.decode(Review.self, request)
        try APIBody.require(["met", "partly_met", "not_met"].contains(review.result), "result", "expected met, partly_met or not_met")
        let target = Int64(context.parameters.get("target") ?? "") ?? -1
        return try await change(request, context) { pathwayCase, actor, connection in
            let rows = try await connection.query("""
                UPDATE smart_targets SET review_result = \(review.result), reviewed_by = \(actor.subject)
                WHERE id = \(target) AND case_id = \(pathwayCase.caseId) RETURNING description
                """, logger: logger)
            var description: String?
            for try await value in rows.decode(String.self) { description = value }
            guard let description else { throw RequestRefused(.notFound, "no target \(target) in case \(pathwayCase.caseId)") }
            try await Chronology.append(pathwayCase.caseId, type: "plan_review", summary: "Target \"\(description)\" reviewed: \(review.result)\(review.note.map { ". \($0)" } ?? "")",
                                        by: actor, outcome: review.result, on: connection, logger: logger)
            return ["id": AnyEncodable(target), "result": AnyEncodable(review.result)]
        }
    }

    struct Assignment: Decodable {
        var caseworker: String?
        var leadProfessional: PathwayCase.LeadProfessional?
        var existingPlan: String?
    }

    func assign(_ request: Request, _ context: ServiceRequestContext) async throws -> Response {
        let assignment = try await APIBody.decode(Assignment.self, request)
        let plans = ["none", "early_help", "child_in_need", "child_protection", "pep", "attendance_plan"]
        if let plan = assignment.existingPlan { try APIBody.require(plans.contains(plan), "existingPlan", "expected one of \(plans.joined(separator: ", "))") }
        return try await change(request, context) { original, actor, connection in
            var pathwayCase = original
            pathwayCase.caseworker = assignment.caseworker ?? pathwayCase.caseworker
            pathwayCase.leadProfessional = assignment.leadProfessional ?? pathwayCase.leadProfessional
            pathwayCase.existingPlan = assignment.existingPlan ?? pathwayCase.existingPlan
            try await CaseStore.update(pathwayCase, on: connection, logger: logger)
            if pathwayCase.caseworker != nil { try await Tasks.complete(pathwayCase.caseId, kind: "assign_caseworker", by: actor.subject, on: connection, logger: logger) }
            try await Chronology.append(pathwayCase.caseId, type: "assignment",
                                        summary: "Caseworker \(pathwayCase.caseworker ?? "none"); lead professional \(pathwayCase.leadProfessional.map { "\($0.name) (\($0.service))" } ?? "none"); plan \(pathwayCase.existingPlan)",
                                        by: actor, on: connection, logger: logger)
            return pathwayCase
        }
    }

    struct Closing: Decodable { var reason: String }

    static let closingReasons = ["sustained_improvement", "left_school", "moved_la", "home_education", "cme_referral", "social_care"]

    func close(_ request: Request, _ context: ServiceRequestContext) async throws -> Response {
        let closing = try await APIBody.decode(Closing.self, request)
        try APIBody.require(Self.closingReasons.contains(closing.reason), "reason", "expected one of \(Self.closingReasons.joined(separator: ", "))")
        return try await change(request, context) { original, actor, connection in
            // A notice past its last payment date is unpaid: it no longer holds the case open (its prosecution would).
            let open = try await LegalStore.forCase(original.caseId, on: connection, logger: logger).filter { intervention in
                LegalStore.openStates.contains(intervention.state)
                    && !(intervention.kind == "penalty_notice" && (intervention.endsOn.flatMap { SchoolDate(iso: $0) }.map { $0 < SchoolDate.today } ?? false))
            }
            try MoveRefused.check("close", open.map { UnmetGuard("legal_intervention_open", "\($0.kind) \($0.id) is \($0.state)") })
            var pathwayCase = original
            pathwayCase.status = .closed
            pathwayCase.closedReason = closing.reason
            pathwayCase.closedAt = Date()
            // A referral still waiting for the panel is withdrawn, and its booking cancelled.
            let live = try await connection.query("""
                UPDATE referrals SET state = 'withdrawn', closed_reason = \("the case was closed: " + closing.reason)
                WHERE case_id = \(pathwayCase.caseId) AND state IN ('requested', 'booked') RETURNING referral_id
                """, logger: logger)
            for try await referral in live.decode(String.self) {
                try await Outgoing.send([try Outgoing.meetingWithdrawn(MeetingRequestWithdrawn(caseId: pathwayCase.caseId, referralId: referral, reason: "the case was closed"))],
                                        on: connection, logger: logger)
            }
            try await CaseStore.update(pathwayCase, on: connection, logger: logger)
            try await Chronology.append(pathwayCase.caseId, type: "case_closed", summary: "Case closed: \(closing.reason)", by: actor, on: connection, logger: logger)
            return pathwayCase
        }
    }
}
