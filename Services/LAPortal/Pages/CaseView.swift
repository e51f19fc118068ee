import AttendanceDomain
import Foundation
import ServiceRuntime

/// The values of the case page, from the services' answers.
enum CaseView {
    static let entryTypes = ["call", "letter", "visit", "meeting", "service_referral", "plan_review", "voice_of_the_child", "note",
                             "social_worker_consulted", "senco_consulted"]

    static func values(view: JSON, chronology: JSON, weeks: ServiceClient.Answer, attendance: ServiceClient.Answer, messages: ServiceClient.Answer,
                       account: Account, errors: [CasePage.FormError], form: FormBody?) -> [String: Any] {
        let item = view["case"]
        let stage = item["stage"].int ?? 0
        let id = item["caseId"].text
        var values: [String: Any] = [
            "caseId": id, "upn": item["upn"].text, "school": item["schoolUrn"].text, "stage": stage, "stageTitle": view["stageTitle"].text,
            "status": PortalFormat.words(item["status"].text), "urgency": PortalFormat.words(item["urgency"].text), "high": item["urgency"].string == "high",
            "caseworker": item["caseworker"].string ?? "Not assigned", "lead": item["leadProfessional"]["name"].string ?? "Not named",
            "plan": PortalFormat.words(item["existingPlan"].string ?? "none"), "openedAt": PortalFormat.dateTime(item["openedAt"].string),
            "severe": item["severeAbsence"].bool == true,
            "flags": item["flags"].object.filter { $0.value.bool == true }.keys.sorted().map(WorklistPage.flagName),
            "errors": errors.map { ["field": $0.field, "message": $0.message] },
        ]
        let figures = item["latestFigures"]
        values["figures"] = [
            ["label": "Attendance", "value": PortalFormat.percent(figures["attendanceRate"].double)],
            ["label": "Possible sessions", "value": figures["possibleSessions"].text],
            ["label": "Present", "value": figures["present"].text],
            ["label": "Authorised absence", "value": figures["authorisedAbsence"].text],
            ["label": "Unauthorised absence", "value": figures["unauthorisedAbsence"].text],
        ]

        // The weekly chart and its table.
        let points = weeks.ok ? weeks.json["weeks"].array : []
        values["hasWeeks"] = !points.isEmpty
        values["weeks"] = points.map { ["week": PortalFormat.date($0["weekStarting"].string), "possible": $0["possibleSessions"].int ?? 0,
                                         "attended": $0["attendedSessions"].int ?? 0, "unauthorised": $0["unauthorisedAbsenceSessions"].int ?? 0,
                                         "rate": PortalFormat.percent($0["attendanceRate"].double)] }
        values["chart"] = WeeklyChart(id: "weekly-chart", title: "Attendance by school week, case \(id)",
                                      points: points.map { .init(label: PortalFormat.shortDate($0["weekStarting"].text), rate: $0["attendanceRate"].double) },
                                      reference: nil).svg()

        // Signals with the marks behind them.
        let signals = attendance.ok ? attendance.json["signals"].array : []
        values["signals"] = signals.map { signal in
            ["kind": PortalFormat.words(signal["kind"].text), "asOf": signal["asOf"].text, "reason": signal["reason"].text,
             "sessions": signal["sessions"].array.map { ["date": PortalFormat.date($0["date"].string), "session": $0["session"].text, "code": $0["code"].text] },
             "hasSessions": !signal["sessions"].array.isEmpty] as [String: Any]
        }
        values["hasSignals"] = !signals.isEmpty

        // Checklists: the open items of every stage up to the case's, each with its own button.
        let checklist = view["checklist"].array
        values["stages"] = (1...max(stage, 1)).compactMap { number -> [String: Any]? in
            let items = checklist.filter { $0["stage"].int == number }
            guard !items.isEmpty else { return nil }
            return ["number": number, "title": WorklistPage.stageTitle(number), "open": items.filter { $0["state"].string == "open" }.count,
                    "items": items.map { row -> [String: Any] in
                        let state = row["state"].text
                        return ["stage": number, "key": row["key"].text, "question": row["question"].text, "isOpen": state == "open",
                                "state": state == "done" ? "Done" : state == "not_applicable" ? "Not applicable" : "Not done",
                                "tagClass": state == "open" ? "tag-yellow" : state == "done" ? "tag-green" : "tag-grey"]
                    }]
        }
        let canWork = account.has(anyOf: [.laOfficer, .laManager, .schoolLead])
        values["canWork"] = canWork
        values["canMove"] = canWork && stage < 4
        values["nextStage"] = stage + 1
        values["nextTitle"] = WorklistPage.stageTitle(stage + 1)
        values["canOversee"] = account.has(.laManager)
        values["canRecord"] = account.has(anyOf: [.laOfficer, .laManager, .schoolLead, .socialWorker, .virtualSchool])
        values["entryTypes"] = entryTypes.map { ["value": $0, "label": PortalFormat.words($0), "selected": form?["type"] == $0] }
        values["decisions"] = [("approve", "Approve: support is exhausted and evidenced"), ("refer_back", "Refer back to the caseworker")]
            .map { ["value": $0.0, "label": $0.1, "selected": form?["decision"] == $0.0] }
        values["engagements"] = [("engaged", "Engaged"), ("declined", "Declined"), ("no_response", "No response")]
            .map { ["value": $0.0, "label": $0.1, "selected": form?["parentEngagement"] == $0.0] }
        values["formSummary"] = form?["summary"] ?? ""
        values["formOutcome"] = form?["outcome"] ?? ""
        values["formRationale"] = form?["rationale"] ?? ""
        for error in errors { values["error-\(error.field)"] = error.message }
        // A section renders for any string, even an empty one: an error's key is set only when there is one.
        for (key, field) in [("summaryError", "entry-summary"), ("typeError", "entry-type"), ("rationaleError", "oversight-rationale"),
                             ("decisionError", "oversight-decision"), ("stageError", "stage-to"), ("engagementError", "entry-engagement")] {
            if let message = errors.first(where: { $0.field == field })?.message { values[key] = message }
        }

        // Chronology, newest first.
        values["entries"] = chronology["entries"].array.reversed().map { entry in
            var row: [String: Any] = ["type": PortalFormat.words(entry["type"].text), "summary": entry["summary"].text,
                                      "actor": entry["actor"].text, "role": entry["actorRole"].text, "at": PortalFormat.dateTime(entry["at"].string)]
            if let outcome = entry["outcome"].string, !outcome.isEmpty { row["outcome"] = outcome }
            return row
        }
        values["offers"] = view["supportOffers"].array.map {
            ["what": $0["what"].text, "who": $0["contactId"].string ?? "The child", "offered": PortalFormat.date($0["offeredOn"].string),
             "response": PortalFormat.words($0["response"].string ?? "awaiting")]
        }
        values["targets"] = view["targets"].array.map {
            ["owner": PortalFormat.words($0["owner"].text), "description": $0["description"].text, "measure": $0["measure"].text,
             "due": PortalFormat.date($0["due"].string), "result": PortalFormat.words($0["reviewResult"].string ?? "not reviewed")]
        }
        values["interventions"] = view["legalInterventions"].array.map {
            ["kind": PortalFormat.words($0["kind"].text), "state": PortalFormat.words($0["state"].text), "issued": PortalFormat.date($0["issuedOn"].string),
             "ends": PortalFormat.date($0["endsOn"].string), "timer": Self.timer(until: $0["endsOn"].string)]
        }
        values["referrals"] = view["referrals"].array.map {
            ["id": $0["referralId"].text, "state": PortalFormat.words($0["state"].text), "booked": PortalFormat.dateTime($0["bookedFor"].string),
             "outcome": PortalFormat.words($0["outcome"].string ?? "–")]
        }
        values["tasks"] = view["tasks"].array.filter { $0["done"].bool != true }.map {
            ["detail": $0["detail"].text, "due": PortalFormat.date($0["due"].string), "timer": Self.timer(until: $0["due"].string)]
        }
        let sent = messages.ok ? messages.json["messages"].array : []
        values["messages"] = sent.map {
            ["kind": PortalFormat.words($0["templateKey"].text), "audience": PortalFormat.words($0["audience"].text), "channel": $0["channel"].text.uppercased(),
             "status": PortalFormat.words($0["status"].text), "to": $0["to"].string ?? "–", "at": PortalFormat.dateTime($0["createdAt"].string)]
        }
        values["hasMessages"] = !sent.isEmpty
        values["messagesShown"] = messages.ok
        return values
    }

    /// "in 4 days", "today", "3 days overdue" from an ISO date, counted in calendar days in England.
    static func timer(until iso: String?) -> String {
        guard let due = iso.flatMap({ SchoolDate(iso: $0.prefix(10)) }) else { return "" }
        let days = due.dayNumber - SchoolDate.today.dayNumber
        switch days {
        case 0: return "today"
        case 1: return "tomorrow"
        case 2...: return "in \(days) days"
        case -1: return "1 day overdue"
        default: return "\(-days) days overdue"
        }
    }
}
