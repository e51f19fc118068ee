import Foundation
import Hummingbird
import Mustache
import Logging
import NIOCore
import ServiceRuntime

/// The targeting support meeting pack for one school (shared/PATHWAY.md §5.3): the school's figures and trend beside
/// the LA and the nation, every severely absent pupil with their plan status, and the persistently absent pupils who
/// need a multi-agency response. As a page, and as a PDF printed from the same HTML by headless Chromium.
struct PackPage: Sendable {
    let services: ServiceClient
    let chromium: String
    let logger: Logger

    func add(to router: Router<PortalContext>) {
        router.get("/schools/:urn/pack") { _, context in
            Page.render("pack", title: "Targeting support meeting pack", values: try await values(try SchoolPage.urn(context), context: context),
                        context: context, active: "/schools")
        }
        router.get("/schools/:urn/pack.pdf") { _, context in try await pdf(try SchoolPage.urn(context), context: context) }
    }

    func values(_ urn: String, context: PortalContext) async throws -> [String: Any] {
        let account = try context.signedIn()
        let summary = try await services.get(.detector, "/v1/schools/\(urn)/summary", as: account)
        guard summary.ok else { throw PageRefusal.from(summary) }
        async let trend = services.optional(.detector, "/v1/schools/\(urn)/trend?weeks=12", as: account)
        async let area = account.has(anyOf: [.laOfficer, .laManager]) ? services.optional(.detector, "/v1/summary", as: account)
            : ServiceClient.Answer(status: 403, json: JSON(nil))
        async let severe = services.get(.detector, "/v1/schools/\(urn)/pupils?band=severe&limit=1000", as: account)
        async let persistent = services.get(.detector, "/v1/schools/\(urn)/pupils?band=persistent&limit=1000", as: account)
        async let cases = services.get(.coordinator, "/v1/cases?school=\(urn)", as: account)
        let la = await area, weeks = await trend
        var values = SchoolPage.values(urn: urn, summary: summary.json, la: la.ok ? la.json : nil, trend: weeks.ok ? weeks.json : nil,
                                       manager: account.has(.laManager))
        let (severeAnswer, persistentAnswer, casesAnswer) = try await (severe, persistent, cases)
        // A pack for a meeting must not say "no pupil" when a service did not answer: the page fails instead.
        for answer in [severeAnswer, persistentAnswer, casesAnswer] where !answer.ok { throw PageRefusal.from(answer) }
        var byPupil: [String: JSON] = [:]
        for item in casesAnswer.json["cases"].array { byPupil[item["upn"].text] = item }
        func row(_ pupil: JSON) -> [String: Any] {
            let found = byPupil[pupil["upn"].text]
            let flags = found.map { $0["flags"].object.filter { $0.value.bool == true }.keys.sorted().map(WorklistPage.flagName) } ?? []
            return ["upn": pupil["upn"].text, "year": pupil["yearGroup"].string ?? "–", "rate": PortalFormat.percent(pupil["attendanceRate"].double),
                    "unauthorised": pupil["unauthorisedAbsence"].int ?? 0, "hasCase": found != nil, "caseId": found?["caseId"].string ?? "",
                    "stage": found.map { "Stage \($0["stage"].int ?? 0): \(WorklistPage.stageTitle($0["stage"].int ?? 0))" } ?? "No case",
                    "plan": found.map { PortalFormat.words($0["existingPlan"].string ?? "none") } ?? "–",
                    "caseworker": found?["caseworker"].string ?? "Not assigned", "lead": found?["leadProfessional"]["name"].string ?? "Not named",
                    "flags": flags.joined(separator: ", ")]
        }
        let severeRows = severeAnswer.json["pupils"].array.map(row)
        // Multi-agency: persistently absent pupils with a social worker, in need, on a protection plan or looked after,
        // or already at stage 3 (support for child and family) or beyond.
        let multiAgency = persistentAnswer.json["pupils"].array.filter { pupil in
            guard let found = byPupil[pupil["upn"].text] else { return false }
            let flags = found["flags"]
            return (found["stage"].int ?? 0) >= 3 || ["hasSocialWorker", "childInNeed", "childProtectionPlan", "childLookedAfter"].contains { flags[$0].bool == true }
        }.map(row)
        values["severeRows"] = severeRows
        values["severeNone"] = severeRows.isEmpty
        values["multiAgency"] = multiAgency
        values["multiAgencyNone"] = multiAgency.isEmpty
        values["prepared"] = PortalFormat.dateTime(ISO8601DateFormatter().string(from: Date()))
        values["preparedBy"] = account.displayName
        return values
    }

    /// The pack as a PDF: the page's own HTML with the stylesheet inlined, printed by Chromium (A4).
    func pdf(_ urn: String, context: PortalContext) async throws -> Response {
        let values = try await values(urn, context: context)
        let body = Page.library.render(values, withTemplate: "pack") ?? ""
        let html = """
            <!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8"><title>Targeting support meeting pack, school \(urn)</title>
            <style>\(Stylesheet.css) @page { size: A4; margin: 15mm } body { font-size: 10pt } .no-print { display: none }</style></head>
            <body><main>\(body)</main></body></html>
            """
        let pdf = try await PDFPrinter(chromium: chromium).print(html)
        return Response(status: .ok, headers: [.contentType: "application/pdf", .cacheControl: "no-store",
                                               .contentDisposition: "attachment; filename=\"tsm-pack-\(urn).pdf\""],
                        body: .init(byteBuffer: ByteBuffer(bytes: pdf)))
    }
}

/// Counts the PDF renders running; a render past the limit waits for a slot.
actor PrintSlots {
    private var free: Int
    private var waiting: [CheckedContinuation<Void, Never>] = []

    init(count: Int) { free = count }

    func acquire() async {
        if free > 0 { free -= 1; return }
        await withCheckedContinuation { waiting.append($0) }
    }

    func release() {
        if waiting.isEmpty { free += 1 } else { waiting.removeFirst().resume() }
    }
}

/// The pack's PDF: headless Chromium (``HeadlessChromium``), at most two at once.
struct PDFPrinter: Sendable {
    let chromium: String
    /// At most two Chromiums print at once, whoever asks: each takes a core and a few hundred megabytes.
    static let slots = PrintSlots(count: 2)

    func print(_ html: String) async throws -> Data {
        await Self.slots.acquire()
        defer { Task { await Self.slots.release() } }
        return try await HeadlessChromium(executable: chromium.hasPrefix("/") ? chromium : "/usr/bin/\(chromium)").pdf(html)
    }
}
