import Foundation
import Hummingbird
import NIOHTTP1
import ServiceRuntime

/// A child's case (shared/PATHWAY.md §5.3): figures with a weekly chart, signals with their evidence, the checklists
/// with the stage-move form that names every unmet guard, chronology, offers, targets, interventions with their timers,
/// referrals and messages sent. Forms post here and go on to the coordinator with the person's own token; what the
/// coordinator refuses comes back as GOV.UK's error summary, each error linked to its field.
struct CasePage: Sendable {
    let services: ServiceClient

    struct FormError {
        var field: String
        var message: String
    }

    func add(to router: Router<PortalContext>) {
        router.get("/cases") { request, context in try await CasesList(services: services).page(request, context) }
        router.get("/cases/:id") { request, context in
            try await page(Self.caseID(context), context: context, notice: request.uri.queryParameters.get("done").flatMap { Self.notices[$0] })
        }
        router.post("/cases/:id/chronology") { request, context in try await chronology(request, context) }
        router.post("/cases/:id/checklist") { request, context in try await checklist(request, context) }
        router.post("/cases/:id/stage") { request, context in try await stage(request, context) }
        router.post("/cases/:id/oversight") { request, context in try await oversight(request, context) }
    }

    static let notices = ["chronology": "Chronology entry added", "checklist": "Checklist updated", "stage": "Stage changed",
                          "oversight": "Oversight decision recorded"]

    /// Case references are `AP-2026-0153`: anything else is a page that does not exist, and is never sent on.
    static func caseID(_ context: PortalContext) throws -> String {
        let id = context.parameters.get("id") ?? ""
        guard id.count <= 20, id.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" }) else { throw HTTPError(.notFound) }
        return id
    }

    // MARK: forms

    func chronology(_ request: Request, _ context: PortalContext) async throws -> Response {
        let id = try Self.caseID(context), account = try context.signedIn()
        let form = try await FormBody.read(request, context: context)
        var errors: [FormError] = []
        if form.text("type") == nil { errors.append(.init(field: "entry-type", message: "Select what kind of entry this is")) }
        if form.text("summary") == nil { errors.append(.init(field: "entry-summary", message: "Enter what happened")) }
        guard errors.isEmpty else { return try await page(id, context: context, errors: errors, form: form, status: .unprocessableContent) }
        var body: [String: Any] = ["type": form.text("type")!, "summary": form.text("summary")!]
        if let outcome = form.text("outcome") { body["outcome"] = outcome }
        if let engagement = form.text("parentEngagement") { body["parentEngagement"] = engagement }
        let answer = try await services.send(.POST, .coordinator, "/v1/cases/\(id)/chronology", body: body, as: account)
        return try await after(answer, id: id, done: "chronology", fields: ["type": "entry-type", "summary": "entry-summary", "parentEngagement": "entry-engagement"],
                               otherwise: "entry-type", context: context, form: form)
    }

    func checklist(_ request: Request, _ context: PortalContext) async throws -> Response {
        let id = try Self.caseID(context), account = try context.signedIn()
        let form = try await FormBody.read(request, context: context)
        guard let stage = form.text("stage").flatMap(Int.init), let key = form.text("key"), key.allSatisfy({ $0.isLetter || $0 == "_" }),
              let state = form.text("state"), ["done", "open", "not_applicable"].contains(state) else {
            return try await page(id, context: context, errors: [.init(field: "checklists", message: "Choose a checklist item to update")], status: .unprocessableContent)
        }
        var body: [String: Any] = ["state": state]
        if let reason = form.text("reason") { body["reason"] = reason }
        let answer = try await services.send(.PUT, .coordinator, "/v1/cases/\(id)/checklist/\(stage)/\(key)", body: body, as: account)
        return try await after(answer, id: id, done: "checklist", fields: ["reason": "item-\(stage)-\(key)"], otherwise: "checklists", context: context, form: form)
    }

    func stage(_ request: Request, _ context: PortalContext) async throws -> Response {
        let id = try Self.caseID(context), account = try context.signedIn()
        let form = try await FormBody.read(request, context: context)
        guard let target = form.text("to").flatMap(Int.init) else {
            return try await page(id, context: context, errors: [.init(field: "stage-to", message: "Select the stage to move the case to")], status: .unprocessableContent)
        }
        var body: [String: Any] = ["to": target]
        if let reason = form.text("reason") { body["reason"] = reason }
        let answer = try await services.send(.POST, .coordinator, "/v1/cases/\(id)/stage", body: body, as: account)
        return try await after(answer, id: id, done: "stage", fields: ["to": "stage-to", "reason": "stage-to"], otherwise: "stage-to", context: context, form: form)
    }

    func oversight(_ request: Request, _ context: PortalContext) async throws -> Response {
        let id = try Self.caseID(context), account = try context.signedIn()
        let form = try await FormBody.read(request, context: context)
        var errors: [FormError] = []
        if form.text("decision") == nil { errors.append(.init(field: "oversight-decision", message: "Select whether you approve or refer the case back")) }
        if form.text("rationale") == nil { errors.append(.init(field: "oversight-rationale", message: "Enter the reasons for your decision")) }
        guard errors.isEmpty else { return try await page(id, context: context, errors: errors, form: form, status: .unprocessableContent) }
        let answer = try await services.send(.POST, .coordinator, "/v1/cases/\(id)/oversight",
                                             body: ["decision": form.text("decision")!, "rationale": form.text("rationale")!], as: account)
        return try await after(answer, id: id, done: "oversight", fields: ["decision": "oversight-decision", "rationale": "oversight-rationale"],
                               otherwise: "oversight-decision", context: context, form: form)
    }

    /// Success: back to the case (post, redirect, get). A refusal: the case again with the service's reasons.
    /// `otherwise`: the field of the submitted form that an error naming no field (or a guard) links to.
    func after(_ answer: ServiceClient.Answer, id: String, done: String, fields: [String: String], otherwise: String, context: PortalContext,
               form: FormBody) async throws -> Response {
        if answer.ok { return .redirect(to: "/cases/\(id)?done=\(done)", type: .normal) }
        // Not found, not allowed, or the service failing: a page of its own, not an error against a field.
        if [401, 403, 404].contains(answer.status) || answer.status >= 500 { throw PageRefusal.from(answer) }
        let errors = Self.errors(from: answer, fields: fields, otherwise: otherwise)
        return try await page(id, context: context, errors: errors, form: form, status: answer.status == 409 ? .conflict : .unprocessableContent)
    }

    /// The coordinator's refusal as errors a person can act on: every unmet guard (an open checklist item links to
    /// its row), or the field the service named.
    static func errors(from answer: ServiceClient.Answer, fields: [String: String], otherwise: String) -> [FormError] {
        let unmet = answer.json["unmet"].array
        if !unmet.isEmpty {
            return unmet.map { guardItem in
                let detail = guardItem["detail"].text
                if guardItem["guard"].string == "checklist_incomplete", let match = detail.firstMatch(of: /^stage (\d) ([a-z_]+): (.*)$/) {
                    return FormError(field: "item-\(match.1)-\(match.2)", message: "Checklist item not complete (stage \(match.1)): \(match.3)")
                }
                return FormError(field: otherwise, message: detail.prefix(1).uppercased() + detail.dropFirst())
            }
        }
        let message = answer.json["error"].string ?? "The change was not saved (the service answered \(answer.status))"
        let name = message.split(separator: ":").first.map(String.init) ?? ""
        let field = fields[name] ?? otherwise
        return [FormError(field: field, message: message.prefix(1).uppercased() + message.dropFirst())]
    }

    // MARK: the page

    func page(_ id: String, context: PortalContext, notice: String? = nil, errors: [FormError] = [], form: FormBody? = nil,
              status: HTTPResponse.Status = .ok) async throws -> Response {
        let account = try context.signedIn()
        let view = try await services.get(.coordinator, "/v1/cases/\(id)", as: account)
        guard view.ok else { throw PageRefusal.from(view) }
        let chronology = try await services.get(.coordinator, "/v1/cases/\(id)/chronology", as: account)
        let upn = view.json["case"]["upn"].text
        // The detector and notification answer for the pupil as far as this person may see; a refusal leaves the part out.
        async let weeks = services.optional(.detector, "/v1/pupils/\(upn)/weeks", as: account)
        async let attendance = services.optional(.detector, "/v1/pupils/\(upn)/attendance", as: account)
        async let messages = account.has(anyOf: [.laOfficer, .laManager, .schoolLead])
            ? services.optional(.notification, "/v1/messages?upn=\(upn)", as: account) : ServiceClient.Answer(status: 403, json: JSON(nil))
        let values = CaseView.values(view: view.json, chronology: chronology.json, weeks: await weeks, attendance: await attendance,
                                     messages: await messages, account: account, errors: errors, form: form)
        var all = values
        if let notice { all["notice"] = notice; all["hasNotice"] = true }
        return Page.render("case", title: (errors.isEmpty ? "" : "Error: ") + "Case \(id)", values: all, context: context, status: status, active: "/cases")
    }
}
