import AttendanceDomain
import Events
import Logging
import PostgresNIO

/// The guards of the pathway's moves (shared/PATHWAY.md §2.2, §2.4), each answering every unmet guard.
struct CaseGuards {
    let pathwayCase: PathwayCase
    let settings: PathwaySettings
    let connection: PostgresConnection
    let logger: Logger

    /// The open items of the checklists of `stages`, one unmet guard each.
    func checklistsComplete(_ stages: [PathwayStage]) async throws -> [UnmetGuard] {
        let rows = try await connection.query("""
            SELECT stage, item_key FROM checklist_items
            WHERE case_id = \(pathwayCase.caseId) AND state = 'open' AND stage = ANY(\(stages.map(\.rawValue)))
            """, logger: logger)
        var open: Set<String> = []
        for try await (stage, key) in rows.decode((Int, String).self) { open.insert("\(stage)|\(key)") }
        var unmet: [UnmetGuard] = []
        for stage in stages {
            for item in stage.checklist where open.contains("\(stage.rawValue)|\(item.key)") {
                unmet.append(UnmetGuard("checklist_incomplete", "stage \(stage.rawValue) \(item.key): \(item.question)"))
            }
        }
        return unmet
    }

    /// "No improvement" for 3 → 4: severe absence, or, after `stage3Weeks` school weeks at stage 3, attendance
    /// no higher than when stage 3 began.
    func noImprovement(calendar: WorkingCalendar) -> [UnmetGuard] {
        if pathwayCase.severeAbsence { return [] }
        guard let now = pathwayCase.latestFigures?.attendanceRate, let then = pathwayCase.stage3EntryRate,
              let entered = pathwayCase.stage3EnteredOn.flatMap({ SchoolDate(iso: $0) }) else {
            return [UnmetGuard("no_improvement", "no figures since stage 3 began: wait for the detector's next signal")]
        }
        var unmet: [UnmetGuard] = []
        let judged = calendar.period(ofSchoolWeeks: settings.stage3Weeks, after: entered).upperBound
        if SchoolDate.today < judged {
            unmet.append(UnmetGuard("no_improvement", "stage 3 began on \(entered.iso): improvement is judged after \(settings.stage3Weeks) school weeks, on \(judged.iso)"))
        }
        if now > then { unmet.append(UnmetGuard("no_improvement", "attendance has improved since stage 3 began (\(then)% then, \(now)% now)")) }
        return unmet
    }

    /// Support first: enough offers with a recorded response, one of them to each parent with parental responsibility.
    func supportFirst(parents: [ParentRef]) async throws -> [UnmetGuard] {
        let rows = try await connection.query("""
            SELECT contact_id, response FROM support_offers WHERE case_id = \(pathwayCase.caseId)
            """, logger: logger)
        var answered = 0, offeredTo: Set<String> = []
        for try await (contact, response) in rows.decode((String?, String?).self) {
            if response != nil { answered += 1 }
            if let contact { offeredTo.insert(contact) }
        }
        var unmet: [UnmetGuard] = []
        if answered < settings.supportOffersRequired {
            unmet.append(UnmetGuard("support_first", "\(answered) support offers with a recorded response; \(settings.supportOffersRequired) are needed"))
        }
        for parent in parents where parent.parentalResponsibility && !offeredTo.contains(parent.contactId) {
            unmet.append(UnmetGuard("support_offer_to_each_parent", "no support offer recorded to parent \(parent.contactId) (\(parent.relationship), parental responsibility)"))
        }
        return unmet
    }

    /// The consultations the flags ask for before enforcement.
    func consultations() async throws -> [UnmetGuard] {
        var unmet: [UnmetGuard] = []
        let flags = pathwayCase.flags
        if flags.childInNeed || flags.childProtectionPlan || flags.hasSocialWorker,
           !(try await Chronology.has(pathwayCase.caseId, type: "social_worker_consulted", on: connection, logger: logger)) {
            unmet.append(UnmetGuard("social_worker_consulted", "the child has a social worker (CIN, CP or allocated): record a social_worker_consulted entry"))
        }
        if flags.ehcPlan || flags.senSupport, !(try await Chronology.has(pathwayCase.caseId, type: "senco_consulted", on: connection, logger: logger)) {
            unmet.append(UnmetGuard("senco_consulted", "the child has an EHC plan or SEN support: record a senco_consulted entry"))
        }
        return unmet
    }

    func notLookedAfter() -> [UnmetGuard] { pathwayCase.isLookedAfter ? [.lookedAfter] : [] }

    /// Independent management oversight: the latest decision approves, by an LA manager who is neither the
    /// caseworker nor the lead professional.
    func oversight() async throws -> [UnmetGuard] {
        let rows = try await connection.query("""
            SELECT approver, decision FROM oversight
            WHERE case_id = \(pathwayCase.caseId)
              AND at > coalesce((SELECT max(requested_at) FROM referrals WHERE case_id = \(pathwayCase.caseId)), '-infinity')
            ORDER BY id DESC LIMIT 1
            """, logger: logger)
        var latest: (approver: String, decision: String)?
        for try await row in rows.decode((String, String).self) { latest = row }
        guard let latest else { return [UnmetGuard("management_oversight", "no management oversight recorded: an LA manager must approve the referral")] }
        guard latest.decision == "approve" else {
            return [UnmetGuard("management_oversight", "the latest oversight referred the case back: an LA manager must approve it")]
        }
        if latest.approver == pathwayCase.caseworker || latest.approver == pathwayCase.leadProfessional?.subject {
            return [UnmetGuard("oversight_independent", "oversight by \(latest.approver), who is the case's caseworker or lead professional: another LA manager must approve")]
        }
        return []
    }

    /// s444 needs unauthorised absence: at least one unauthorised session in the figures.
    func unauthorisedAbsence() -> [UnmetGuard] {
        (pathwayCase.latestFigures?.unauthorisedAbsence ?? 0) > 0 ? []
            : [UnmetGuard("unauthorised_absence", "no unauthorised session in the pupil's figures: enforcement needs unauthorised absence")]
    }

    /// The panel's approval (or the no-support route for a penalty notice), not lapsed by `date`.
    func approvedForEnforcement(on date: SchoolDate, allowNoSupportRoute: Bool) -> [UnmetGuard] {
        if allowNoSupportRoute && pathwayCase.noSupportRoute { return [] }
        guard [.enforcementApproved, .legalIntervention].contains(pathwayCase.status) else {
            return [UnmetGuard("enforcement_approved", "the AttendancePathway meeting has not approved enforcement for this case")]
        }
        if let lapses = pathwayCase.approvalLapsesOn.flatMap({ SchoolDate(iso: $0) }), date > lapses {
            return [UnmetGuard("approval_lapsed", "the panel's approval lapsed on \(lapses.iso): refer the case again")]
        }
        return []
    }
}
