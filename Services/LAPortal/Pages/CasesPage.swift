import Hummingbird

/// `GET /cases`: the open cases the person may see, by stage.
struct CasesList: Sendable {
    let services: ServiceClient

    func page(_ request: Request, _ context: PortalContext) async throws -> Response {
        let account = try context.signedIn()
        let stage = request.uri.queryParameters.get("stage").flatMap(Int.init).flatMap { (1...5).contains($0) ? $0 : nil }
        let answer = try await services.get(.coordinator, "/v1/cases" + (stage.map { "?stage=\($0)" } ?? ""), as: account)
        guard answer.ok else { throw PageRefusal.from(answer) }
        let cases = answer.json["cases"].array.map { item -> [String: Any] in
            ["caseId": item["caseId"].text, "upn": item["upn"].text, "school": item["schoolUrn"].text, "stage": item["stage"].int ?? 0,
             "status": PortalFormat.words(item["status"].text), "urgency": PortalFormat.words(item["urgency"].text), "high": item["urgency"].string == "high",
             "rate": PortalFormat.percent(item["latestFigures"]["attendanceRate"].double)]
        }
        var values: [String: Any] = [
            "cases": cases, "total": answer.json["total"].int ?? cases.count,
            "stageOptions": (1...5).map { ["value": $0, "label": "\($0). \(WorklistPage.stageTitle($0))", "selected": $0 == stage] },
        ]
        if let stage { values["stageName"] = "\(stage)" }  // a section renders for any string, even an empty one
        return Page.render("cases", title: "Cases", values: values, context: context, active: "/cases")
    }
}
