import Foundation
import Hummingbird
import NIOHTTP1
import ServiceRuntime

/// The AttendancePathway panel's calendar: sessions with their bookings (case references only), the requests waiting
/// for the chair, and the chair's forms: accept a request, record a meeting's outcome.
struct CalendarPage: Sendable {
    let services: ServiceClient

    static let outcomes = [("approve_enforcement_referral", "Approve referral to enforcement"), ("further_recommendations", "Further recommendations"),
                           ("escalate_wider_services", "Escalate to wider services"), ("deferred", "Deferred")]

    func add(to router: Router<PortalContext>) {
        router.get("/calendar") { request, context in
            try await page(context, notice: request.uri.queryParameters.get("done") == "outcome" ? "Outcome recorded"
                           : request.uri.queryParameters.get("done") == "accepted" ? "Referral accepted" : nil)
        }
        router.post("/calendar/requests/:referral/accept") { _, context in try await accept(context) }
        router.post("/calendar/bookings/:booking/outcome") { request, context in try await outcome(request, context) }
    }

    static func token(_ context: PortalContext, _ name: String) throws -> String {
        let value = context.parameters.get(name) ?? ""
        guard !value.isEmpty, value.count <= 64, value.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" }) else { throw HTTPError(.notFound) }
        return value
    }

    func accept(_ context: PortalContext) async throws -> Response {
        let account = try context.signedIn()
        let answer = try await services.send(.POST, .scheduler, "/v1/requests/\(try Self.token(context, "referral"))/accept", body: [:], as: account)
        guard answer.ok else {
            if [401, 403, 404].contains(answer.status) || answer.status >= 500 { throw PageRefusal.from(answer) }
            return try await page(context, errors: [.init(field: "requests", message: answer.json["error"].string ?? "The request was not accepted")], status: .conflict)
        }
        return .redirect(to: "/calendar?done=accepted", type: .normal)
    }

    func outcome(_ request: Request, _ context: PortalContext) async throws -> Response {
        let account = try context.signedIn()
        let booking = try Self.token(context, "booking")
        let form = try await FormBody.read(request, context: context)
        var errors: [CasePage.FormError] = []
        if form.text("outcome") == nil { errors.append(.init(field: "outcome-\(booking)", message: "Select the meeting's outcome")) }
        if form.text("rationale") == nil { errors.append(.init(field: "rationale-\(booking)", message: "Enter the reasons for the outcome")) }
        if form.text("outcome") == "further_recommendations", form.text("recommendation") == nil {
            errors.append(.init(field: "recommendation-\(booking)", message: "Enter at least one recommendation"))
        }
        if form.text("recommendation") != nil, form.text("due")?.wholeMatch(of: /\d{4}-\d{2}-\d{2}/) == nil {
            errors.append(.init(field: "due-\(booking)", message: "Enter the date the recommendation is due, for example 2027-01-31"))
        }
        guard errors.isEmpty else { return try await page(context, errors: errors, form: (booking, form), status: .unprocessableContent) }
        var body: [String: Any] = ["outcome": form.text("outcome")!, "rationale": form.text("rationale")!]
        if let text = form.text("recommendation") {
            body["recommendations"] = [["text": text, "owner": form.text("owner") ?? "family", "due": form.text("due") ?? ""]]
        }
        let answer = try await services.send(.POST, .scheduler, "/v1/bookings/\(booking)/outcome", body: body, as: account)
        guard answer.ok else {
            if answer.status == 404 { throw PageRefusal.from(answer) }
            let message = answer.json["error"].string ?? "The outcome was not recorded"
            if answer.status >= 500 { throw PageRefusal.from(answer) }
            return try await page(context, errors: [.init(field: "outcome-\(booking)", message: message.prefix(1).uppercased() + message.dropFirst())],
                                  form: (booking, form), status: answer.status == 403 ? .forbidden : answer.status == 409 ? .conflict : .unprocessableContent)
        }
        return .redirect(to: "/calendar?done=outcome", type: .normal)
    }

    /// `form`: what the chair typed for one booking, shown again beside the errors.
    func page(_ context: PortalContext, notice: String? = nil, errors: [CasePage.FormError] = [], form: (booking: String, body: FormBody)? = nil,
              status: HTTPResponse.Status = .ok) async throws -> Response {
        let account = try context.signedIn()
        let sessions = try await services.get(.scheduler, "/v1/sessions", as: account)
        guard sessions.ok else { throw PageRefusal.from(sessions) }
        let requests = try await services.get(.scheduler, "/v1/requests", as: account)
        let chair = account.has(.panelChair)
        let rows = sessions.json["sessions"].array.map { session -> [String: Any] in
            let mine = chair && session["chair"].string == account.username
            return ["id": session["sessionId"].text, "starts": PortalFormat.dateTime(session["startsAt"].string),
                    "ends": PortalFormat.dateTime(session["endsAt"].string), "capacity": session["capacity"].int ?? 0,
                    "booked": session["bookings"].array.count, "chair": session["chair"].text,
                    "bookings": session["bookings"].array.map { booking -> [String: Any] in
                        let id = booking["bookingId"].text
                        let typed = form?.booking == id ? form?.body : nil
                        var row: [String: Any] = ["slot": (Int(booking["slot"].text) ?? 0) + 1, "caseId": booking["caseId"].text, "bookingId": id,
                                                  "status": PortalFormat.words(booking["status"].text), "canRecord": mine && booking["status"].string == "confirmed",
                                                  "outcomes": Self.outcomes.map { ["value": $0.0, "label": $0.1, "selected": typed?["outcome"] == $0.0] },
                                                  "owners": ["family", "school", "child", "professional"].map {
                                                      ["value": $0, "label": $0.capitalized, "selected": typed?["owner"] == $0] },
                                                  "formRationale": typed?["rationale"] ?? "", "formRecommendation": typed?["recommendation"] ?? "",
                                                  "formDue": typed?["due"] ?? ""]
                        // Only an error that exists is set: a section renders for any string, even an empty one.
                        for name in ["outcome", "rationale", "recommendation", "due"] {
                            if let message = errors.first(where: { $0.field == "\(name)-\(id)" })?.message {
                                row["\(name)Error"] = message
                                row["hasError"] = true
                            }
                        }
                        return row
                    },
                    "empty": session["bookings"].array.isEmpty]
        }
        let waiting = requests.ok ? requests.json["requests"].array : []
        return Page.render("calendar", title: (errors.isEmpty ? "" : "Error: ") + "Panel calendar", values: [
            "sessions": rows, "noSessions": rows.isEmpty, "chair": chair,
            "requests": waiting.map { ["referral": $0["referralId"].text, "caseId": $0["caseId"].text, "state": PortalFormat.words($0["state"].text),
                                       "received": PortalFormat.dateTime($0["receivedAt"].string), "canAccept": chair && $0["state"].string == "received",
                                       "breach": $0["breach"].bool == true] },
            "noRequests": waiting.isEmpty,
            "errors": errors.map { ["field": $0.field, "message": $0.message] },
            "notice": notice ?? "", "hasNotice": notice != nil,
        ], context: context, status: status, active: "/calendar")
    }
}
