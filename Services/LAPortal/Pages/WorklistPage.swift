import AttendanceDomain
import Foundation
import Hummingbird
import ServiceRuntime

/// The daily worklist (shared/PATHWAY.md §5.2), in that order: first-day absences still unexplained (vulnerable
/// pupils first), severe absence without a caseworker, penalty considerations with 10-day and s19 items, timers,
/// stage moves and meeting preparation, then referrals waiting for the panel. Counts are the services' own.
struct WorklistPage: Sendable {
    let services: ServiceClient

    /// The worklist's sections and the task kinds in each, in the order a caseworker works them.
    static let sections: [(id: String, title: String, kinds: [String])] = [
        ("caseworker", "Severe absence without a caseworker", ["assign_caseworker"]),
        ("legal", "Penalty considerations, 10-day returns and s19", ["penalty_consideration", "la_informed", "s19_consideration", "consider_early_notice",
                                                                       "review_after_withdrawn_threshold"]),
        ("timers", "Timers due within 10 days or overdue", ["nti_ends", "penalty_unpaid", "contract_review", "monitoring_review", "plan_review"]),
        ("stages", "Stage moves and meeting preparation", ["propose_stage_3", "propose_stage_4", "tsm_pack", "propose_closure", "escalate_wider_services",
                                                          "social_worker_escalation", "virtual_school_escalation"]),
    ]

    func add(to router: Router<PortalContext>) {
        router.get("/") { request, context in try await page(context, expanded: request.uri.queryParameters.get("show")) }
    }

    /// Each section shows its first rows (`rowsShown`); `?show=<section>` shows all of one.
    static let rowsShown = 25

    func page(_ context: PortalContext, expanded: String? = nil) async throws -> Response {
        let account = try context.signedIn()
        guard account.has(anyOf: [.laOfficer, .laManager, .schoolLead, .legalOfficer]) else {
            // A chair or an administrator starts at the calendar; others at their cases.
            return .redirect(to: account.has(anyOf: [.panelChair, .laAdmin]) ? "/calendar" : account.has(.auditor) ? "/audit" : "/cases")
        }
        let worklist = try await services.get(.coordinator, "/v1/worklist", as: account)
        guard worklist.ok else { throw PageRefusal.from(worklist) }
        let items = worklist.json["items"].array
        var known = Set<String>()
        var sections: [[String: Any]] = []
        for section in Self.sections {
            known.formUnion(section.kinds)
            let rows = items.filter { section.kinds.contains($0["kind"].text) }
            let count = section.kinds.reduce(0) { $0 + (worklist.json["byKind"][$1].int ?? 0) }
            let shown = section.id == expanded ? rows : Array(rows.prefix(Self.rowsShown))
            sections.append(["id": section.id, "title": section.title, "count": count, "rows": shown.map(Self.row), "empty": rows.isEmpty,
                             "more": shown.count < rows.count, "listed": rows.count, "shownCount": shown.count])
        }
        let other = items.filter { !known.contains($0["kind"].text) }
        if !other.isEmpty {
            let count = worklist.json["byKind"].object.filter { !known.contains($0.key) }.reduce(0) { $0 + ($1.value.int ?? 0) }
            let shown = expanded == "other" ? other : Array(other.prefix(Self.rowsShown))
            sections.append(["id": "other", "title": "Other tasks", "count": count, "rows": shown.map(Self.row), "empty": false,
                             "more": shown.count < other.count, "listed": other.count, "shownCount": shown.count])
        }
        let stages = worklist.json["casesByStage"].object.sorted { $0.key < $1.key }.map { stage, count in
            ["stage": stage, "count": count.int ?? 0, "title": Self.stageTitle(Int(stage) ?? 0)] as [String: Any]
        }
        let firstDay = try await unexplainedFirstDays(account)
        let entrants = await newEntrants(account)
        let requests = account.has(anyOf: [.laOfficer, .laManager]) ? await services.optional(.scheduler, "/v1/requests", as: account) : nil
        let waiting = requests?.json["requests"].array ?? []
        return Page.render("worklist", title: "Worklist", values: [
            "asOf": PortalFormat.date(worklist.json["asOf"].string),
            "total": worklist.json["total"].int ?? 0,
            "overdue": items.filter { $0["overdue"].bool == true }.count,
            "openCases": stages.reduce(0) { $0 + (($1["count"] as? Int) ?? 0) },
            "stages": stages,
            "sections": sections,
            "entrants": entrants, "entrantCount": entrants.count, "entrantsNone": entrants.isEmpty, "entrantsShown": account.has(anyOf: [.laOfficer, .laManager, .schoolLead]),
            "firstDay": firstDay.rows, "firstDayCount": firstDay.rows.count, "firstDayNone": firstDay.rows.isEmpty, "firstDayShown": firstDay.shown,
            "requests": waiting.map { ["referral": $0["referralId"].text, "caseId": $0["caseId"].text, "state": PortalFormat.words($0["state"].text),
                                       "received": PortalFormat.dateTime($0["receivedAt"].string), "breach": $0["breach"].bool == true] },
            "requestCount": waiting.count, "requestsShown": requests != nil, "requestsNone": waiting.isEmpty,
            "shownItems": items.count, "cut": items.count < (worklist.json["total"].int ?? 0),
        ], context: context, active: "/")
    }

    static func row(_ item: JSON) -> [String: Any] {
        ["caseId": item["caseId"].text, "school": item["schoolUrn"].text, "stage": item["stage"].int ?? 0, "detail": item["detail"].text,
         "due": PortalFormat.date(item["due"].string), "overdue": item["overdue"].bool == true]
    }

    static func stageTitle(_ stage: Int) -> String {
        ["", "Prevention", "Identify and understand", "Support for child and family", "Formalise support", "Enforcement referral"][max(0, min(stage, 5))]
    }

    /// Today's first-day absences not since explained, in the caller's schools (the detector's signals), with the
    /// pupils whose case carries a vulnerability flag (looked after, child in need, child protection, EHCP) first.
    func unexplainedFirstDays(_ account: Account) async throws -> (rows: [[String: Any]], shown: Bool) {
        guard account.has(anyOf: [.laOfficer, .laManager, .schoolLead]) else { return ([], false) }
        let today = SchoolDate.today.iso
        // An officer or a manager asks across their schools at once; a lead asks for each of theirs.
        let paths = account.has(anyOf: [.laOfficer, .laManager]) ? ["/v1/signals"] : account.schools.map { "/v1/schools/\($0)/signals" }
        var absent: [JSON] = [], explained: [JSON] = []
        for path in paths {
            absent += await services.optional(.detector, "\(path)?date=\(today)&kind=first_day_absence&limit=1000", as: account).json["signals"].array
            explained += await services.optional(.detector, "\(path)?date=\(today)&kind=first_day_absence_explained&limit=1000", as: account).json["signals"].array
        }
        let explainedKeys = Set(explained.map { "\($0["upn"].text) \($0["asOf"].text)" })
        let open = absent.filter { !explainedKeys.contains("\($0["upn"].text) \($0["asOf"].text)") }
        let cases = await services.optional(.coordinator, "/v1/cases", as: account)
        var byPupil: [String: JSON] = [:]
        for item in cases.json["cases"].array { byPupil[item["upn"].text] = item }
        let rows: [[String: Any]] = open.map { signal in
            let found = byPupil[signal["upn"].text]
            let flags = found?["flags"] ?? JSON(nil)
            let vulnerable = ["childLookedAfter", "childInNeed", "childProtectionPlan", "ehcPlan"].filter { flags[$0].bool == true }
            return ["upn": signal["upn"].text, "school": signal["schoolUrn"].text, "session": signal["asOf"].text,
                    "caseId": found?["caseId"].string ?? "", "hasCase": found != nil,
                    "vulnerable": vulnerable.map(Self.flagName).joined(separator: ", "), "isVulnerable": !vulnerable.isEmpty]
        }
        return (rows.sorted { ($0["isVulnerable"] as! Bool) && !($1["isVulnerable"] as! Bool) }, true)
    }

    /// Pupils who became severely or persistently absent since the last working day (the detector's signals of
    /// yesterday's and today's sessions), severe first.
    func newEntrants(_ account: Account) async -> [[String: Any]] {
        guard account.has(anyOf: [.laOfficer, .laManager, .schoolLead]) else { return [] }
        // The working day before today, bank holidays skipped (AttendanceDomain's calendar).
        var day = SchoolDate.today.adding(days: -1)
        while !WorkingCalendar().isWorkingDay(day) { day = day.adding(days: -1) }
        let today = SchoolDate.today.iso, previous = day.iso
        let paths = account.has(anyOf: [.laOfficer, .laManager]) ? ["/v1/signals"] : account.schools.map { "/v1/schools/\($0)/signals" }
        var found: [JSON] = []
        for path in paths {
            for kind in ["severe_absence", "persistent_absence"] {
                for date in [previous, today] {
                    found += await services.optional(.detector, "\(path)?date=\(date)&kind=\(kind)&limit=1000", as: account).json["signals"].array
                }
            }
        }
        return found.sorted { ($0["kind"].text == "severe_absence" ? 0 : 1, $0["asOf"].text) < ($1["kind"].text == "severe_absence" ? 0 : 1, $1["asOf"].text) }
            .map { ["upn": $0["upn"].text, "school": $0["schoolUrn"].text, "kind": $0["kind"].string == "severe_absence" ? "Severe" : "Persistent",
                    "severe": $0["kind"].string == "severe_absence", "session": $0["asOf"].text,
                    "rate": PortalFormat.percent($0["figures"]["attendanceRate"].double)] }
    }

    static func flagName(_ flag: String) -> String {
        ["childLookedAfter": "Looked after", "previouslyLookedAfter": "Previously looked after", "childInNeed": "Child in need",
         "childProtectionPlan": "Child protection plan", "ehcPlan": "EHC plan", "senSupport": "SEN support", "freeSchoolMeals": "Free school meals",
         "hasSocialWorker": "Social worker"][flag] ?? flag
    }
}
