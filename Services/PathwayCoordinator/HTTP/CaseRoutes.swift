import AttendanceDomain
import Crypto
import Events
import Foundation
import Hummingbird
import Logging
import PostgresNIO
import ServiceRuntime

/// Cases and their chronology: `GET /v1/cases`, `POST /v1/cases`, `GET /v1/cases/{id}`,
/// `GET|POST /v1/cases/{id}/chronology`, `GET /v1/cases/{id}/evidence/{sha256}`.
struct CaseRoutes: Sendable {
    let postgres: PostgresClient
    let settings: PathwaySettings
    let logger: Logger

    /// Panel chairs read the panel pack alone (from 2 working days before the session), not the case file.
    static let readers: Set<Role> = [.laOfficer, .laManager, .schoolLead, .socialWorker, .virtualSchool, .legalOfficer]
    static let recorders: Set<Role> = [.laOfficer, .laManager, .schoolLead, .socialWorker, .virtualSchool]
    static let openers: Set<Role> = [.laOfficer, .laManager, .schoolLead]

    func add(to api: RouterGroup<ServiceRequestContext>) {
        let read = api.group().add(middleware: RequireRoles(Self.readers))
        read.get("/v1/cases") { request, context in try await list(request, context) }
        read.get("/v1/cases/:id") { _, context in try await show(context) }
        read.get("/v1/cases/:id/chronology") { _, context in
            let pathwayCase = try await postgres.withConnection { try await CaseAccess.visibleCase(context, on: $0, logger: logger) }
            return try JSONResponse.make(.ok, ["caseId": AnyEncodable(pathwayCase.caseId), "entries": AnyEncodable(try await Chronology.entries(pathwayCase.caseId, on: postgres, logger: logger))])
        }
        read.get("/v1/cases/:id/evidence/:sha256") { _, context in try await evidence(context) }
        api.group().add(middleware: RequireRoles(Self.recorders)).post("/v1/cases/:id/chronology") { request, context in try await record(request, context) }
        api.group().add(middleware: RequireRoles(Self.openers)).post("/v1/cases") { request, context in try await open(request, context) }
    }

    /// `stage`, `status`, `school` filters; the caller's scope.
    func list(_ request: Request, _ context: ServiceRequestContext) async throws -> Response {
        let caller = try context.caller()
        let query = request.uri.queryParameters
        var conditions = ["true"], binds = PostgresBindings()
        if let stage = query.get("stage") {
            guard let value = Int(stage), (1...5).contains(value) else { throw RequestRefused(.badRequest, "stage: expected 1 to 5") }
            binds.append(value)
            conditions.append("stage = $\(binds.count)")
        }
        if let status = query.get("status") {
            guard CaseStatus(rawValue: status) != nil else {
                throw RequestRefused(.badRequest, "status: expected one of \(CaseStatus.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            binds.append(status)
            conditions.append("status = $\(binds.count)")
        } else {
            conditions.append("status <> 'closed'")
        }
        if let school = query.get("school") {
            binds.append(school)
            conditions.append("school_urn = $\(binds.count)")
        }
        // The caller's scope in the query itself, so that a list is never cut short by cases they cannot see:
        // their schools, their allocated pupils, and for a legal officer the cases at stage 4 and later or on the
        // no-support route (``CaseAccess/maySee(_:_:)`` says the same, and is applied again below).
        if let visible = caller.visibleSchools {
            var scope: [String] = []
            if !visible.isEmpty {
                binds.append(visible.sorted())
                scope.append("school_urn = ANY($\(binds.count))")
            }
            if caller.has(anyOf: [.socialWorker, .virtualSchool]), !caller.allocatedPupils.isEmpty {
                binds.append(caller.allocatedPupils.sorted())
                scope.append("upn = ANY($\(binds.count))")
            }
            if caller.roles.contains(.legalOfficer) { scope.append("(stage >= 4 OR no_support_route)") }
            conditions.append(scope.isEmpty ? "false" : "(" + scope.joined(separator: " OR ") + ")")
        }
        let found = try await CaseStore.list(where: conditions.joined(separator: " AND "), binds: binds, limit: 500, on: postgres, logger: logger)
            .filter { CaseAccess.maySee($0, caller) }
        context.access.pupils(found.map(\.upn))
        var byStage: [String: Int] = [:]
        for each in found { byStage[String(each.stage), default: 0] += 1 }
        return try JSONResponse.make(.ok, ["total": AnyEncodable(found.count), "byStage": AnyEncodable(byStage), "cases": AnyEncodable(found)])
    }

    struct CaseView: Encodable {
        struct Item: Encodable {
            var stage: Int
            var key: String
            var question: String
            var state: String
            var reason: String?
            var doneBy: String?
        }

        struct Task: Encodable {
            var kind: String
            var detail: String
            var due: String
            var done: Bool
        }

        var pathwayCase: PathwayCase
        var stageTitle: String
        var checklist: [Item]
        var supportOffers: [PanelPack.Offer]
        var targets: [PanelPack.Target]
        var referrals: [[String: String]]
        var legalInterventions: [LegalIntervention]
        var tasks: [Task]

        enum CodingKeys: String, CodingKey { case pathwayCase = "case", stageTitle, checklist, supportOffers, targets, referrals, legalInterventions, tasks }
    }

    func show(_ context: ServiceRequestContext) async throws -> Response {
        try await postgres.withConnection { connection in
            let pathwayCase = try await CaseAccess.visibleCase(context, on: connection, logger: logger)
            let id = pathwayCase.caseId
            var items: [CaseView.Item] = []
            let rows = try await connection.query("SELECT stage, item_key, state, reason, done_by FROM checklist_items WHERE case_id = \(id)", logger: logger)
            var states: [String: (String, String?, String?)] = [:]
            for try await row in rows.decode((Int, String, String, String?, String?).self) { states["\(row.0)|\(row.1)"] = (row.2, row.3, row.4) }
            for stage in PathwayStage.allCases {
                for item in stage.checklist {
                    guard let state = states["\(stage.rawValue)|\(item.key)"] else { continue }
                    items.append(.init(stage: stage.rawValue, key: item.key, question: item.question, state: state.0, reason: state.1, doneBy: state.2))
                }
            }
            var offers: [PanelPack.Offer] = []
            for try await row in try await connection.query("""
                SELECT id, what, contact_id, offered_on, response, responded_on FROM support_offers WHERE case_id = \(id) ORDER BY id
                """, logger: logger).decode((Int64, String, String?, String, String?, String?).self) {
                offers.append(.init(id: row.0, what: row.1, contactId: row.2, offeredOn: row.3, response: row.4, respondedOn: row.5))
            }
            var targets: [PanelPack.Target] = []
            for try await row in try await connection.query("""
                SELECT id, owner, description, measure, due, review_result FROM smart_targets WHERE case_id = \(id) ORDER BY id
                """, logger: logger).decode((Int64, String, String, String, String, String?).self) {
                targets.append(.init(id: row.0, owner: row.1, description: row.2, measure: row.3, due: row.4, reviewResult: row.5))
            }
            var referrals: [[String: String]] = []
            for try await row in try await connection.query("""
                SELECT referral_id, state, coalesce(booking->>'startsAt', ''), coalesce(outcome->>'outcome', ''), coalesce(closed_reason, '')
                FROM referrals WHERE case_id = \(id) ORDER BY requested_at
                """, logger: logger).decode((String, String, String, String, String).self) {
                referrals.append(["referralId": row.0, "state": row.1, "bookedFor": row.2, "outcome": row.3, "reason": row.4].filter { !$0.value.isEmpty })
            }
            var tasks: [CaseView.Task] = []
            for try await row in try await connection.query("""
                SELECT kind, detail, due, done_at IS NOT NULL FROM tasks WHERE case_id = \(id) ORDER BY due, id
                """, logger: logger).decode((String, String, String, Bool).self) {
                tasks.append(.init(kind: row.0, detail: row.1, due: row.2, done: row.3))
            }
            let legal = try await LegalStore.forCase(id, on: connection, logger: logger)
            return try JSONResponse.make(.ok, CaseView(pathwayCase: pathwayCase, stageTitle: pathwayCase.pathwayStage.title, checklist: items, supportOffers: offers,
                                                       targets: targets, referrals: referrals, legalInterventions: legal, tasks: tasks))
        }
    }

    struct NewEntry: Decodable {
        struct Document: Decodable {
            var name: String
            var contentType: String
            /// The document, base64.
            var content: String
        }

        var type: String
        var summary: String
        var outcome: String?
        /// `engaged`, `declined`, `no_response`.
        var parentEngagement: String?
        var corrects: Int64?
        var evidence: [Document]?
    }

    /// A person's entry, with its evidence documents (stored with their SHA-256). A correction names the entry it corrects.
    func record(_ request: Request, _ context: ServiceRequestContext) async throws -> Response {
        let entry = try await APIBody.decode(NewEntry.self, request)
        try APIBody.require(ChronologyEntry.recordedKinds.contains(entry.type), "type", "expected one of \(ChronologyEntry.recordedKinds.sorted().joined(separator: ", "))")
        try APIBody.require(!entry.summary.trimmingCharacters(in: .whitespaces).isEmpty, "summary", "must not be empty")
        if let engagement = entry.parentEngagement {
            try APIBody.require(["engaged", "declined", "no_response"].contains(engagement), "parentEngagement", "expected engaged, declined or no_response")
        }
        var documents: [(name: String, type: String, bytes: [UInt8], sha: String)] = []
        for (index, document) in (entry.evidence ?? []).enumerated() {
            guard let data = Data(base64Encoded: document.content), !data.isEmpty else {
                throw RequestRefused(.unprocessableContent, "evidence[\(index)].content: expected the document in base64")
            }
            let sha = SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
            documents.append((document.name, document.contentType, Array(data), sha))
        }
        let actor = try CaseAccess.actor(context)
        let stored = documents
        return try await APITransaction.run(postgres, logger: logger) { connection in
            let pathwayCase = try await CaseAccess.visibleCase(context, forUpdate: true, on: connection, logger: logger)
            if let corrects = entry.corrects {
                let rows = try await connection.query("SELECT count(*) FROM chronology WHERE id = \(corrects) AND case_id = \(pathwayCase.caseId)", logger: logger)
                var found = 0
                for try await count in rows.decode(Int.self) { found = count }
                try APIBody.require(found == 1, "corrects", "no entry \(corrects) in this case's chronology")
            }
            for document in stored {
                try await connection.query("""
                    INSERT INTO evidence_documents (sha256, case_id, name, content_type, content, uploaded_by)
                    VALUES (\(document.sha), \(pathwayCase.caseId), \(document.name), \(document.type), \(ByteBuffer(bytes: document.bytes)), \(actor.subject))
                    ON CONFLICT DO NOTHING
                    """, logger: logger)
            }
            let id = try await Chronology.append(pathwayCase.caseId, type: entry.type, summary: entry.summary, by: actor, outcome: entry.outcome,
                                                 parentEngagement: entry.parentEngagement, evidence: stored.map(\.sha), corrects: entry.corrects,
                                                 on: connection, logger: logger)
            try await context.recordAccess(request, status: .created, on: connection, logger: logger)
            return try JSONResponse.make(.created, ["id": AnyEncodable(id), "evidence": AnyEncodable(stored.map(\.sha))])
        }
    }

    func evidence(_ context: ServiceRequestContext) async throws -> Response {
        try await postgres.withConnection { connection in
            let pathwayCase = try await CaseAccess.visibleCase(context, on: connection, logger: logger)
            let sha = context.parameters.get("sha256") ?? ""
            let rows = try await connection.query("""
                SELECT content_type, content FROM evidence_documents WHERE case_id = \(pathwayCase.caseId) AND sha256 = \(sha)
                """, logger: logger)
            for try await (type, content) in rows.decode((String, ByteBuffer).self) {
                // Served as a download, never rendered: an uploaded HTML file must not run in the portal's origin.
                return Response(status: .ok, headers: [.contentType: type, .contentDisposition: "attachment; filename=\"\(sha).bin\"",
                                                      .init("X-Content-Type-Options")!: "nosniff"],
                                body: .init(byteBuffer: content))
            }
            throw RequestRefused(.notFound, "no evidence \(sha) in case \(pathwayCase.caseId)")
        }
    }

    struct Opening: Decodable {
        var upn: String
        var schoolUrn: String
        /// 2 or 3: stage 1 is universal.
        var stage: Int
        var reason: String
    }

    /// A person opens a case (a school lead, an LA officer); the pupil's open case answers 409 with its id.
    func open(_ request: Request, _ context: ServiceRequestContext) async throws -> Response {
        let opening = try await APIBody.decode(Opening.self, request)
        try APIBody.require([2, 3].contains(opening.stage), "stage", "a case opens at stage 2 or 3 (stage 1 is universal)")
        try APIBody.require(!opening.reason.isEmpty, "reason", "must not be empty")
        let caller = try context.caller()
        guard caller.maySee(pupil: opening.upn, atSchool: opening.schoolUrn) else {
            context.access.refused("school \(opening.schoolUrn) is outside the caller's schools")
            throw RequestRefused(.notFound, "no school \(opening.schoolUrn) among the schools you can see")
        }
        context.access.school(opening.schoolUrn)
        context.access.pupil(opening.upn)
        let actor = try CaseAccess.actor(context)
        return try await APITransaction.run(postgres, logger: logger) { connection in
            guard try await Pupils.load(school: opening.schoolUrn, upn: opening.upn, on: connection, logger: logger) != nil else {
                throw RequestRefused(.notFound, "no pupil \(opening.upn) on the roll of school \(opening.schoolUrn)")
            }
            if let existing = try await CaseStore.openCase(upn: opening.upn, on: connection, logger: logger), !CaseAccess.maySee(existing, caller) {
                throw MoveRefused(move: "open", unmet: [UnmetGuard("one_open_case", "the pupil already has an open case, held at another school")])
            }
            let opened = try await CaseOpening.open(
                upn: opening.upn, school: opening.schoolUrn, stage: PathwayStage(rawValue: opening.stage)!, urgency: .medium, by: actor,
                reason: opening.reason, figures: nil, severe: false, sourceEvent: nil, settings: settings, on: connection, logger: logger)
            context.access.caseID(opened.pathwayCase.caseId)
            guard opened.isNew else {
                throw MoveRefused(move: "open", unmet: [UnmetGuard("one_open_case", "the pupil already has open case \(opened.pathwayCase.caseId)")])
            }
            try await context.recordAccess(request, status: .created, on: connection, logger: logger)
            return try JSONResponse.make(.created, opened.pathwayCase)
        }
    }
}
