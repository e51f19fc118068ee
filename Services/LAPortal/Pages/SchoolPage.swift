import Foundation
import Hummingbird
import ServiceRuntime

/// A school's figures beside the LA's (an officer: their schools together) and the nation's for the school's phase,
/// the cohort table and a 12-week trend (shared/PATHWAY.md §5.3).
struct SchoolPage: Sendable {
    let services: ServiceClient

    /// DfE's 2023/24 figures (DOMAIN.md), held as data: overall absence, persistent and severe absence, and absence by phase.
    static let national = (absence: 7.1, persistent: 20.0, severe: 2.3)
    static let absenceByPhase = ["primary": 5.5, "secondary": 8.9, "special": 13.0]

    func add(to router: Router<PortalContext>) {
        router.get("/schools") { _, context in try await list(context) }
        router.get("/schools/:urn") { _, context in try await page(try Self.urn(context), context: context) }
    }

    static func urn(_ context: PortalContext) throws -> String {
        let urn = context.parameters.get("urn") ?? ""
        guard (6...7).contains(urn.count), urn.allSatisfy(\.isNumber) else { throw HTTPError(.notFound) }
        return urn
    }

    /// The schools a person may see: their own (officer, lead), or every school with a case (a manager).
    func schools(_ account: Account) async throws -> [String] {
        if !account.schools.isEmpty { return account.schools.sorted() }
        let cases = try await services.get(.coordinator, "/v1/cases", as: account)
        return Set(cases.json["cases"].array.map { $0["schoolUrn"].text }).sorted()
    }

    func list(_ context: PortalContext) async throws -> Response {
        let account = try context.signedIn()
        let urns = try await schools(account)
        if urns.count == 1 { return .redirect(to: "/schools/\(urns[0])") }
        return Page.render("schools", title: "Schools", values: ["schools": urns.map { ["urn": $0] }, "none": urns.isEmpty], context: context, active: "/schools")
    }

    func page(_ urn: String, context: PortalContext) async throws -> Response {
        let account = try context.signedIn()
        async let school = services.get(.detector, "/v1/schools/\(urn)/summary", as: account)
        async let trend = services.optional(.detector, "/v1/schools/\(urn)/trend?weeks=12", as: account)
        async let area = account.has(anyOf: [.laOfficer, .laManager]) ? services.optional(.detector, "/v1/summary", as: account)
            : ServiceClient.Answer(status: 403, json: JSON(nil))
        let summary = try await school
        guard summary.ok else { throw PageRefusal.from(summary) }
        let la = await area, weeks = await trend
        return Page.render("school", title: "School \(urn)", values: Self.values(urn: urn, summary: summary.json, la: la.ok ? la.json : nil,
                                                                               trend: weeks.ok ? weeks.json : nil, manager: account.has(.laManager)),
                           context: context, active: "/schools")
    }

    /// A school's phase from the year groups on its roll: any of 7 to 13 makes it secondary. A special school is not told
    /// apart by year groups; its phase is given by the LA in production (the DfE establishment type).
    static func phase(_ summary: JSON) -> String {
        let groups = summary["byYearGroup"].object.keys.compactMap { Int($0) }
        return groups.contains { $0 >= 7 } ? "secondary" : "primary"
    }

    static func values(urn: String, summary: JSON, la: JSON?, trend: JSON?, manager: Bool) -> [String: Any] {
        let phase = phase(summary)
        let overall = summary["overall"]
        func row(_ label: String, _ school: Double?, _ area: Double?, _ nation: Double?) -> [String: Any] {
            ["label": label, "school": PortalFormat.percent(school), "la": la == nil ? "–" : PortalFormat.percent(area), "national": PortalFormat.percent(nation)]
        }
        let laOverall = la?["overall"] ?? JSON(nil)
        let comparison = [
            row("Absence", overall["absenceRate"].double, laOverall["absenceRate"].double, absenceByPhase[phase]),
            row("Authorised absence", overall["authorisedAbsenceRate"].double, laOverall["authorisedAbsenceRate"].double, nil),
            row("Unauthorised absence", overall["unauthorisedAbsenceRate"].double, laOverall["unauthorisedAbsenceRate"].double, nil),
            row("Persistent absence (pupils)", overall["persistentAbsenceRate"].double, laOverall["persistentAbsenceRate"].double, national.persistent),
            row("Severe absence (pupils)", overall["severeAbsenceRate"].double, laOverall["severeAbsenceRate"].double, national.severe),
        ]
        let cohortNames = [("senSupport", "SEN support"), ("ehcPlan", "EHC plan"), ("freeSchoolMeals", "Free school meals"),
                           ("childLookedAfter", "Looked after"), ("hasSocialWorker", "Social worker")]
        let cohorts: [[String: Any]] = [["label": "All pupils", "rates": overall]] .map { $0 } + cohortNames.compactMap { key, label in
            summary["byCohort"][key].exists ? ["label": label, "rates": summary["byCohort"][key]] : nil
        }
        let points = trend?["weeks"].array ?? []
        let nationalAttendance = 100 - (absenceByPhase[phase] ?? national.absence)
        return [
            "urn": urn, "phase": phase, "scope": summary["scope"].text, "year": summary["academicYear"].string ?? "",
            "pupils": overall["pupils"].int ?? 0, "attendance": PortalFormat.percent(overall["attendanceRate"].double),
            "persistent": overall["persistentAbsence"].int ?? 0, "severe": overall["severeAbsence"].int ?? 0,
            "laLabel": manager ? "This LA" : "Your schools", "comparison": comparison,
            "cohorts": cohorts.map { cohort -> [String: Any] in
                let rates = cohort["rates"] as! JSON
                return ["label": cohort["label"]!, "pupils": rates["pupils"].int ?? 0, "absence": PortalFormat.percent(rates["absenceRate"].double),
                        "persistent": "\(rates["persistentAbsence"].int ?? 0) (\(PortalFormat.percent(rates["persistentAbsenceRate"].double)))",
                        "severe": "\(rates["severeAbsence"].int ?? 0) (\(PortalFormat.percent(rates["severeAbsenceRate"].double)))"]
            },
            "hasTrend": !points.isEmpty,
            "trend": points.map { ["week": PortalFormat.date($0["weekStarting"].string), "possible": $0["possibleSessions"].int ?? 0,
                                   "rate": PortalFormat.percent($0["attendanceRate"].double)] },
            "chart": WeeklyChart(id: "trend-chart", title: "School \(urn): attendance by week, last 12 school weeks",
                                 points: points.map { .init(label: PortalFormat.shortDate($0["weekStarting"].text), rate: $0["attendanceRate"].double) },
                                 reference: ("national attendance for \(phase) schools, 2023/24", nationalAttendance)).svg(),
            "nationalSource": summary["national"]["source"].string ?? "DfE",
        ]
    }
}
