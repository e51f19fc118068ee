import Foundation
import Hummingbird
import Logging
import PostgresNIO
import ServiceRuntime

/// `PUT /v1/schools/{urn}` (la_manager, la_admin): the school's name and telephone number, which messages to families
/// quote, and its attendance lead's mailbox, where the morning digest goes. `GET /v1/schools/{urn}` reads them back.
/// `GET /v1/messages?upn=` (LA staff and the pupil's school lead): what was sent about a pupil, to whom (masked), on which
/// channel, and each status it passed through; never an address or a body. Every read is in the access audit.
/// `GET /v1/messages/summary` (la_manager, la_admin, auditor): counts by kind, channel and status.
/// `POST /v1/messages/{id}/hold` (school_lead, la_officer, la_manager): hold a queued family message a day, with a reason.
struct MessageRoutes: Sendable {
    let postgres: PostgresClient
    let settings: NotificationSettings
    let logger: Logger

    func add(to api: RouterGroup<ServiceRequestContext>) {
        api.group().add(middleware: RequireRoles([.laManager, .laAdmin])).put("/v1/schools/:urn") { request, context in try await putSchool(request, context) }
        api.group().add(middleware: RequireRoles([.laOfficer, .laManager, .laAdmin, .schoolLead])).get("/v1/schools/:urn") { _, context in
            try await getSchool(context)
        }
        api.group().add(middleware: RequireRoles([.laOfficer, .laManager, .schoolLead])).get("/v1/messages") { request, context in
            try await messages(request, context)
        }
        api.group().add(middleware: RequireRoles([.laManager, .laAdmin, .auditor])).get("/v1/messages/summary") { _, _ in try await summary() }
        api.group().add(middleware: RequireRoles([.schoolLead, .laOfficer, .laManager])).post("/v1/messages/:id/hold") { request, context in
            try await hold(request, context)
        }
    }

    struct Hold: Decodable {
        var reason: String
    }

    /// A school holds a family message for a school day, with a reason (a bereavement it knows of): the message is due
    /// the next school day, and the hold, its reason and who held it are in the message's status path and the access audit.
    func hold(_ request: Request, _ context: ServiceRequestContext) async throws -> Response {
        let id = Int64(context.parameters.get("id") ?? "") ?? -1
        let body = try await APIBody.decode(Hold.self, request)
        try APIBody.require(body.reason.trimmingCharacters(in: .whitespaces).count >= 3 && body.reason.count <= 500, "reason", "say why, in 3 to 500 characters")
        let caller = try context.caller()
        return try await APITransaction.run(postgres, logger: logger) { connection in
            let rows = try await connection.query("SELECT upn, school_urn, status, kind, due_at FROM messages WHERE id = \(id) FOR UPDATE", logger: logger)
            var found: (upn: String, school: String, status: String, kind: String, due: Date)?
            for try await row in rows.decode((String, String, String, String, Date).self) { found = row }
            guard let found, caller.maySee(pupil: found.upn, atSchool: found.school) else {
                context.access.refused("message \(id) is outside the caller's scope")
                throw RequestRefused(.notFound, "no message \(id)")
            }
            context.access.school(found.school)
            context.access.pupil(found.upn)
            guard found.status == "queued", ["first_day", "support"].contains(found.kind) else {
                throw RequestRefused(.conflict, "message \(id) is \(found.status) (\(found.kind)): only a queued first-day or support message can be held")
            }
            // One school day: the next batch (or, for a first-day message, the same time the next school day).
            let until = SendWindow(settings: settings).nextSchoolDay(sameTimeAs: found.due)
            // A first-day message keeps its 18:00 limit: held past it, it goes into the school's digest instead.
            try await connection.query("UPDATE messages SET due_at = \(until), updated_at = now() WHERE id = \(id)", logger: logger)
            try await MessageStore.record(id, status: "held_school_review", at: Date(), detail: "held a school day by \(caller.subject): \(body.reason)", on: connection, logger: logger)
            return try JSONResponse.make(.ok, ["id": "\(id)", "dueAt": until.formatted(.iso8601)])
        }
    }

    struct Tally: Encodable {
        var kind: String
        var channel: String
        var status: String
        var count: Int
    }

    /// How many messages of each kind went on each channel and where they are now: figures, no pupil.
    func summary() async throws -> Response {
        let rows = try await postgres.query("SELECT kind, channel, status, count(*)::int FROM messages GROUP BY 1, 2, 3 ORDER BY 1, 2, 3", logger: logger)
        var tallies: [Tally] = []
        for try await (kind, channel, status, count) in rows.decode((String, String, String, Int).self) {
            tallies.append(Tally(kind: kind, channel: channel, status: status, count: count))
        }
        return try JSONResponse.make(.ok, ["messages": tallies])
    }

    struct SchoolDetails: Codable {
        var name: String
        var phone: String
        var leadEmail: String
    }

    func putSchool(_ request: Request, _ context: ServiceRequestContext) async throws -> Response {
        let urn = context.parameters.get("urn") ?? ""
        try APIBody.require(urn.count == 6 && urn.allSatisfy(\.isNumber), "urn", "expected a six-digit URN")
        let body = try await APIBody.decode(SchoolDetails.self, request)
        try APIBody.require(!body.name.trimmingCharacters(in: .whitespaces).isEmpty && body.name.count <= 120, "name", "expected the school's name, 1 to 120 characters")
        let digits = body.phone.filter(\.isNumber)
        try APIBody.require(digits.count >= 10 && digits.count <= 13 && body.phone.allSatisfy { $0.isNumber || " +()-".contains($0) }, "phone",
                            "expected a telephone number such as 01632 960123")
        try APIBody.require(Recipient.mailbox(body.leadEmail) != nil, "leadEmail", "expected an email address")
        context.access.school(urn)
        try await postgres.query("""
            INSERT INTO schools (urn, name, phone, lead_email) VALUES (\(urn), \(body.name), \(body.phone), \(body.leadEmail))
            ON CONFLICT (urn) DO UPDATE SET name = EXCLUDED.name, phone = EXCLUDED.phone, lead_email = EXCLUDED.lead_email, updated_at = now()
            """, logger: logger)
        return try JSONResponse.make(.ok, body)
    }

    func getSchool(_ context: ServiceRequestContext) async throws -> Response {
        let urn = context.parameters.get("urn") ?? ""
        let caller = try context.caller()
        // The LA admin keeps the schools' details; others see their own schools'.
        guard caller.roles.contains(.laAdmin) || caller.maySee(school: urn) else {
            context.access.refused("school \(urn) is outside the caller's scope")
            throw RequestRefused(.notFound, "no school \(urn)")
        }
        context.access.school(urn)
        guard let school = try await postgres.withConnection({ try await ContactBook.school(urn, on: $0, logger: logger) }) else {
            throw RequestRefused(.notFound, "no school \(urn): PUT /v1/schools/\(urn) records it")
        }
        return try JSONResponse.make(.ok, SchoolDetails(name: school.name, phone: school.phone, leadEmail: school.leadEmail))
    }

    struct MessageRecord: Encodable {
        struct Step: Encodable {
            var status: String
            var at: Date
            var detail: String?
        }
        var id: Int64
        var templateKey: String
        var kind: String
        var audience: String
        var contactId: String?
        var channel: String
        var status: String
        var statutory: Bool
        var language: String?
        var to: String?
        var caseId: String?
        var createdAt: Date
        var steps: [Step]
    }

    func messages(_ request: Request, _ context: ServiceRequestContext) async throws -> Response {
        guard let upn = request.uri.queryParameters.get("upn"), !upn.isEmpty else { throw RequestRefused(.unprocessableContent, "upn: is required") }
        let caller = try context.caller()
        let records: [MessageRecord] = try await postgres.withConnection { connection in
            let school = try await schoolOf(upn, on: connection)
            guard let school, caller.maySee(pupil: upn, atSchool: school) else {
                context.access.refused("pupil \(upn) is outside the caller's scope")
                throw RequestRefused(.notFound, "no messages for pupil \(upn)")
            }
            context.access.school(school)
            context.access.pupil(upn)
            let rows = try await connection.query("""
                SELECT m.id, m.template_key, m.kind, m.audience, m.contact_key, m.channel, m.status, m.statutory, m.language, m.address_masked, m.case_id,
                       m.created_at, coalesce(jsonb_agg(jsonb_build_object('status', s.status, 'at', to_char(s.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'), 'detail', s.detail) ORDER BY s.at) FILTER (WHERE s.status IS NOT NULL), '[]')::text
                FROM messages m LEFT JOIN message_statuses s ON s.message_id = m.id
                WHERE m.upn = \(upn) AND (\(caller.visibleSchools.map { Array($0) })::text[] IS NULL OR m.school_urn = ANY(\(caller.visibleSchools.map { Array($0) })::text[]))
                GROUP BY m.id ORDER BY m.created_at DESC, m.id DESC LIMIT 500
                """, logger: logger)
            var found: [MessageRecord] = []
            for try await row in rows.decode((Int64, String, String, String, String?, String, String, Bool, String?, String?, String?, Date, String).self) {
                let steps = (try? JSONSerialization.jsonObject(with: Data(row.12.utf8)) as? [[String: Any]]) ?? []
                found.append(MessageRecord(id: row.0, templateKey: row.1, kind: row.2, audience: row.3, contactId: row.4, channel: row.5, status: row.6,
                                           statutory: row.7, language: row.8, to: row.9, caseId: row.10, createdAt: row.11, steps: steps.map {
                    MessageRecord.Step(status: $0["status"] as? String ?? "", at: ($0["at"] as? String).flatMap { try? Date($0, strategy: .iso8601) } ?? row.11,
                                       detail: $0["detail"] as? String)
                }))
            }
            return found
        }
        return try JSONResponse.make(.ok, ["messages": records])
    }

    private func schoolOf(_ upn: String, on connection: PostgresConnection) async throws -> String? {
        let rows = try await connection.query("""
            SELECT school_urn FROM pupils WHERE upn = \(upn)
            UNION ALL (SELECT school_urn FROM messages WHERE upn = \(upn) ORDER BY created_at DESC LIMIT 1)
            """, logger: logger)
        for try await school in rows.decode(String.self) { return school }
        return nil
    }
}
