import AttendanceDomain
import Events
import Foundation
import Hummingbird
import Logging
import PostgresNIO
import ServiceRuntime
import Storage

/// Legal interventions (shared/PATHWAY.md §2.5), issued by an authorised officer and checked here: the CLA
/// bar, the panel's approval, support first, the penalty-notice limit per parent per child, payment dates
/// from deemed receipt, and the prosecution's ESO and payment gates.
struct LegalRoutes: Sendable {
    let postgres: PostgresClient
    let settings: PathwaySettings
    let logger: Logger
    let work: CaseWorkRoutes

    func add(to api: RouterGroup<ServiceRequestContext>) {
        let legal = api.group().add(middleware: RequireRoles([.legalOfficer]))
        legal.post("/v1/cases/:id/legal/notice-to-improve") { request, context in try await noticeToImprove(request, context) }
        legal.post("/v1/cases/:id/legal/penalty-notices") { request, context in try await penaltyNotices(request, context) }
        legal.post("/v1/cases/:id/legal/eso-consideration") { request, context in try await esoConsideration(request, context) }
        legal.post("/v1/cases/:id/legal/prosecution") { request, context in try await prosecution(request, context) }
        legal.post("/v1/penalty-notices/:notice/payments") { request, context in try await payment(request, context) }
        legal.post("/v1/penalty-notices/:notice/withdraw") { request, context in try await withdraw(request, context) }
        api.group().add(middleware: RequireRoles([.legalOfficer, .laManager])).get("/v1/parents/:contact/penalty-history") { request, context in
            try await history(request, context)
        }
        api.group().add(middleware: RequireRoles([.laOfficer, .laManager, .legalOfficer])).post("/v1/cases/:id/penalty-consideration") { request, context in
            try await consider(request, context)
        }
    }

    /// The parents a notice goes to: those named, or every parent with parental responsibility whose contact
    /// is not restricted (a court order: the notification service would send them nothing, so no notice is
    /// issued that cannot be served; the officer serves such a parent outside the system).
    func recipients(_ named: [String]?, pupil: Pupils.Stored?) throws -> [ParentRef] {
        let parents = pupil?.parents ?? []
        guard let named else { return parents.filter { $0.parentalResponsibility && !$0.contactRestricted } }
        try APIBody.require(!named.isEmpty, "contactIds", "name at least one parent, or leave it out for every parent with parental responsibility")
        try APIBody.require(Set(named).count == named.count, "contactIds", "a parent is named twice")
        return try named.enumerated().map { index, id in
            guard let parent = parents.first(where: { $0.contactId == id }) else {
                throw RequestRefused(.unprocessableContent, "contactIds[\(index)]: \(id) is not a parent or carer of this pupil on the roster")
            }
            try APIBody.require(parent.parentalResponsibility, "contactIds[\(index)]", "\(id) has no parental responsibility for this pupil")
            try APIBody.require(!parent.contactRestricted, "contactIds[\(index)]", "contact with \(id) is restricted: serve them outside the system")
            return parent
        }
    }

    struct Consideration: Decodable {
        /// `no_action`, `support_first`, `notice_to_improve`, `penalty_notice`, `other_legal`.
        var decision: String
        var reason: String
    }

    /// The penalty consideration decided. `penalty_notice` on a window that is mostly `G` takes the no-support route.
    func consider(_ request: Request, _ context: ServiceRequestContext) async throws -> Response {
        let decision = try await APIBody.decode(Consideration.self, request)
        let options = ["no_action", "support_first", "notice_to_improve", "penalty_notice", "other_legal"]
        try APIBody.require(options.contains(decision.decision), "decision", "expected one of \(options.joined(separator: ", "))")
        try APIBody.require(!decision.reason.isEmpty, "reason", "must not be empty")
        return try await work.change(request, context) { original, actor, connection in
            var pathwayCase = original
            var unmet: [UnmetGuard] = []
            if decision.decision != "no_action" && decision.decision != "support_first" {
                unmet += CaseGuards(pathwayCase: pathwayCase, settings: settings, connection: connection, logger: logger).notLookedAfter()
            }
            if ["notice_to_improve", "penalty_notice"].contains(decision.decision) {
                unmet += try await PenaltyThresholds.stand(pathwayCase.caseId, on: connection, logger: logger)
            }
            try MoveRefused.check("penalty consideration", unmet)
            if decision.decision == "penalty_notice" {
                let share = try await holidayShare(pathwayCase.caseId, connection)
                pathwayCase.noSupportRoute = share >= settings.noSupportHolidayPercent
            }
            try await CaseStore.update(pathwayCase, on: connection, logger: logger)
            try await Tasks.complete(pathwayCase.caseId, kind: "penalty_consideration", by: actor.subject, on: connection, logger: logger)
            // The family is told a penalty notice is being considered only once a person has decided on a notice (PATHWAY.md §2.3).
            if ["notice_to_improve", "penalty_notice"].contains(decision.decision) {
                let pupil = try await Pupils.load(school: pathwayCase.schoolUrn, upn: pathwayCase.upn, on: connection, logger: logger)
                let letters = try recipients(nil, pupil: pupil).filter { !$0.contactRestricted }.map { parent in
                    try Outgoing.notification(NotificationRequested(
                        requestId: "considered-\(pathwayCase.caseId)-\(UUID().uuidString.prefix(8))-\(parent.contactId)", caseId: pathwayCase.caseId,
                        schoolUrn: pathwayCase.schoolUrn, upn: pathwayCase.upn, templateKey: "penalty_notice_considered", audience: .parent,
                        contactId: parent.contactId, statutory: true, fields: ["decision": decision.decision], causedBy: actor.subject))
                }
                try await Outgoing.send(letters, on: connection, logger: logger)
            }
            try await Chronology.append(pathwayCase.caseId, type: "penalty_consideration", summary: "Penalty notice considered: \(decision.decision). \(decision.reason)",
                                        by: actor, outcome: decision.decision, on: connection, logger: logger)
            return ["decision": AnyEncodable(decision.decision), "noSupportRoute": AnyEncodable(pathwayCase.noSupportRoute)]
        }
    }

    /// The share of `G` in the latest penalty-threshold signal's sessions, percent.
    func holidayShare(_ caseID: String, _ connection: PostgresConnection) async throws -> Int {
        let rows = try await connection.query("""
            SELECT details::text FROM chronology WHERE case_id = \(caseID) AND details->>'kind' = 'penalty_notice_threshold' ORDER BY id DESC LIMIT 1
            """, logger: logger)
        for try await text in rows.decode(String.self) {
            let signal = try EventCoding.decoder().decode(AttendanceSignal.self, from: Data(text.utf8))
            guard !signal.sessions.isEmpty else { return 0 }
            return signal.sessions.filter { $0.code == "G" }.count * 100 / signal.sessions.count
        }
        return 0
    }

    struct NoticeToImprove: Decodable {
        var issueDate: String?
        /// 3 to 6 school weeks.
        var weeks: Int?
        var contactIds: [String]?
    }

    func noticeToImprove(_ request: Request, _ context: ServiceRequestContext) async throws -> Response {
        let notice = try await APIBody.decode(NoticeToImprove.self, request)
        let weeks = notice.weeks ?? settings.noticeToImproveWeeks
        try APIBody.require((3...6).contains(weeks), "weeks", "the improvement period is 3 to 6 school weeks")
        let issued = try APIBody.date(notice.issueDate, field: "issueDate", default: .today)
        return try await work.change(request, context, status: .created) { original, actor, connection in
            var pathwayCase = original
            let guards = CaseGuards(pathwayCase: pathwayCase, settings: settings, connection: connection, logger: logger)
            let pupil = try await Pupils.load(school: pathwayCase.schoolUrn, upn: pathwayCase.upn, on: connection, logger: logger)
            let parents = try recipients(notice.contactIds, pupil: pupil)
            var unmet = guards.notLookedAfter() + guards.approvedForEnforcement(on: issued, allowNoSupportRoute: false)
            unmet += try await guards.supportFirst(parents: pupil?.parents ?? [])
            unmet += try await PenaltyThresholds.stand(pathwayCase.caseId, on: connection, logger: logger)
            if parents.isEmpty { unmet.append(UnmetGuard("parent_with_responsibility", "no parent with parental responsibility on the roster")) }
            try MoveRefused.check("notice to improve", unmet)
            let calendar = try await TermCalendars.calendar(for: pathwayCase.schoolUrn, settings: settings, on: connection, logger: logger)
            let posted = calendar.adding(workingDays: 1, to: issued)
            let receipt = calendar.adding(workingDays: settings.deemedReceiptWorkingDays, to: posted)
            let period = calendar.period(ofSchoolWeeks: weeks, after: receipt)
            let group = try await LegalStore.nextID(prefix: "NTI", caseID: pathwayCase.caseId, on: connection, logger: logger)
            var issuedNotices: [LegalIntervention] = [], outgoing: [OutboxMessage] = []
            for (index, parent) in parents.enumerated() {
                let notice = LegalIntervention(
                    id: "\(group)-\(parent.contactId)", caseId: pathwayCase.caseId, kind: "notice_to_improve", upn: pathwayCase.upn, contactId: parent.contactId,
                    state: "active", issuedOn: issued.iso, receiptOn: receipt.iso, endsOn: period.upperBound.iso,
                    details: ["watchId": .string(group), "postedOn": .string(posted.iso), "periodStart": .string(period.lowerBound.iso), "weeks": .number(Double(weeks))])
                try await LegalStore.insert(notice, by: actor.subject, on: connection, logger: logger)
                issuedNotices.append(notice)
                outgoing.append(try Outgoing.notification(NotificationRequested(
                    requestId: "\(group)-\(index)", caseId: pathwayCase.caseId, schoolUrn: pathwayCase.schoolUrn, upn: pathwayCase.upn, templateKey: "notice_to_improve",
                    audience: .parent, contactId: parent.contactId, statutory: true,
                    fields: ["periodStart": period.lowerBound.iso, "periodEnd": period.upperBound.iso, "weeks": String(weeks), "noticeId": notice.id], causedBy: actor.subject)))
            }
            outgoing.append(try Outgoing.watch(AttendanceWatchRequested(
                watchId: group, schoolUrn: pathwayCase.schoolUrn, upn: pathwayCase.upn, from: period.lowerBound.iso, to: period.upperBound.iso,
                maxUnauthorisedSessions: settings.noticeToImproveMaxUnauthorised)))
            try await Outgoing.send(outgoing, on: connection, logger: logger)
            pathwayCase.status = .legalIntervention
            try await CaseStore.update(pathwayCase, on: connection, logger: logger)
            try await Tasks.raise(pathwayCase.caseId, kind: "nti_ends", detail: "Notice to Improve \(group) ends: judge the improvement", due: period.upperBound.iso,
                                  source: group, on: connection, logger: logger)
            try await Chronology.append(pathwayCase.caseId, type: "legal", summary: "Notice to Improve \(group) issued to \(parents.count) parent(s): \(weeks) school weeks, \(period.lowerBound.iso) to \(period.upperBound.iso)",
                                        by: actor, on: connection, logger: logger)
            return issuedNotices
        }
    }

    struct PenaltyNotices: Decodable {
        var issueDate: String?
        var contactIds: [String]?
    }

    /// One notice per parent per child; every parent over the limit is named, and none is issued then.
    func penaltyNotices(_ request: Request, _ context: ServiceRequestContext) async throws -> Response {
        let body = try await APIBody.decode(PenaltyNotices.self, request)
        let issued = try APIBody.date(body.issueDate, field: "issueDate", default: .today)
        return try await work.change(request, context, status: .created) { original, actor, connection in
            var pathwayCase = original
            let guards = CaseGuards(pathwayCase: pathwayCase, settings: settings, connection: connection, logger: logger)
            let pupil = try await Pupils.load(school: pathwayCase.schoolUrn, upn: pathwayCase.upn, on: connection, logger: logger)
            let parents = try recipients(body.contactIds, pupil: pupil)
            var unmet = guards.notLookedAfter() + guards.approvedForEnforcement(on: issued, allowNoSupportRoute: true)
            if pathwayCase.noSupportRoute { unmet += try await guards.consultations().filter { $0.guard == "social_worker_consulted" } }
            unmet += try await PenaltyThresholds.stand(pathwayCase.caseId, on: connection, logger: logger)
            if parents.isEmpty { unmet.append(UnmetGuard("parent_with_responsibility", "no parent with parental responsibility on the roster")) }
            let calendar = try await TermCalendars.calendar(for: pathwayCase.schoolUrn, settings: settings, on: connection, logger: logger)
            var terms: [(ParentRef, PenaltyNoticeRules.Terms)] = []
            for parent in parents {
                let prior = try await LegalStore.countingNotices(contactID: parent.contactId, upn: pathwayCase.upn,
                                                                 window: PenaltyNoticeRules.limitWindow(around: issued), on: connection, logger: logger)
                if let term = PenaltyNoticeRules.terms(prior: prior, issuedOn: issued, calendar: calendar, deemedReceiptWorkingDays: settings.deemedReceiptWorkingDays) {
                    terms.append((parent, term))
                } else {
                    unmet.append(UnmetGuard("penalty_notice_limit", "parent \(parent.contactId) has had \(prior) penalty notices for this child in the 3 years to \(issued.iso): use another intervention"))
                }
            }
            try MoveRefused.check("penalty notice", unmet)
            var notices: [LegalIntervention] = [], outgoing: [OutboxMessage] = []
            for (parent, term) in terms {
                let id = try await LegalStore.nextID(prefix: "PN", caseID: pathwayCase.caseId, on: connection, logger: logger)
                let notice = LegalIntervention(
                    id: id, caseId: pathwayCase.caseId, kind: "penalty_notice", upn: pathwayCase.upn, contactId: parent.contactId, state: "issued",
                    issuedOn: term.issuedOn.iso, receiptOn: term.receiptOn.iso, endsOn: term.fullBy.iso,
                    details: ["sequence": .number(Double(term.sequence)), "postedOn": .string(term.postedOn.iso),
                              "discountedAmountPence": term.discountedAmountPence.map { .number(Double($0)) } ?? .null,
                              "discountedBy": term.discountedBy.map { .string($0.iso) } ?? .null,
                              "fullAmountPence": .number(Double(term.fullAmountPence)), "fullBy": .string(term.fullBy.iso)])
                try await LegalStore.insert(notice, by: actor.subject, on: connection, logger: logger)
                try await Tasks.raise(pathwayCase.caseId, kind: "penalty_unpaid", detail: "Penalty notice \(id): unpaid after \(term.fullBy.iso)? Consider prosecution for the offence",
                                      due: term.fullBy.adding(days: 1).iso, source: id, on: connection, logger: logger)
                notices.append(notice)
                outgoing.append(try Outgoing.notification(NotificationRequested(
                    requestId: id, caseId: pathwayCase.caseId, schoolUrn: pathwayCase.schoolUrn, upn: pathwayCase.upn, templateKey: "penalty_notice",
                    audience: .parent, contactId: parent.contactId, statutory: true,
                    fields: ["noticeNumber": id, "receiptOn": term.receiptOn.iso, "fullBy": term.fullBy.iso, "discountedBy": term.discountedBy?.iso ?? ""],
                    causedBy: actor.subject)))
            }
            try await Outgoing.send(outgoing, on: connection, logger: logger)
            pathwayCase.status = .legalIntervention
            try await CaseStore.update(pathwayCase, on: connection, logger: logger)
            try await Chronology.append(pathwayCase.caseId, type: "legal", summary: "Penalty notices issued: \(notices.map { "\($0.id) to parent \($0.contactId ?? "")" }.joined(separator: ", "))",
                                        by: actor, on: connection, logger: logger)
            return notices
        }
    }

    /// The notice named in the path, locked, after the scope check on its case.
    func notice(_ context: ServiceRequestContext, _ connection: PostgresConnection) async throws -> (LegalIntervention, PathwayCase) {
        let id = context.parameters.get("notice") ?? ""
        guard let notice = try await LegalStore.find(where: "id = $1 AND kind = 'penalty_notice'", CaseStore.binds(id), on: connection, logger: logger).first,
              let pathwayCase = try await CaseStore.load(notice.caseId, forUpdate: true, on: connection, logger: logger),
              CaseAccess.maySee(pathwayCase, try context.caller()) else {
            context.access.refused("penalty notice \(id) is outside the caller's scope, or does not exist")
            throw RequestRefused(.notFound, "no penalty notice \(id)")
        }
        context.access.caseID(pathwayCase.caseId)
        context.access.pupil(pathwayCase.upn)
        return (notice, pathwayCase)
    }

    struct Payment: Decodable {
        var amountPence: Int
        var receivedOn: String
    }

    func payment(_ request: Request, _ context: ServiceRequestContext) async throws -> Response {
        let payment = try await APIBody.decode(Payment.self, request)
        let received = try APIBody.date(payment.receivedOn, field: "receivedOn")
        return try await APITransaction.run(postgres, logger: logger) { connection in
            let (notice, pathwayCase) = try await notice(context, connection)
            guard ["issued", "unpaid"].contains(notice.state) else { throw RequestRefused(.conflict, "penalty notice \(notice.id) is \(notice.state)") }
            guard let receipt = notice.receiptOn.flatMap({ SchoolDate(iso: $0) }), let fullBy = notice.endsOn.flatMap({ SchoolDate(iso: $0) }) else {
                throw RequestRefused(.conflict, "penalty notice \(notice.id) has no payment dates")
            }
            let terms = PenaltyNoticeRules.Terms(
                sequence: 0, issuedOn: receipt, postedOn: receipt, receiptOn: receipt,
                discountedAmountPence: notice.details["discountedAmountPence"].flatMap { if case .number(let n) = $0 { Int(n) } else { nil } },
                discountedBy: notice.details["discountedBy"]?.string.flatMap { SchoolDate(iso: $0) }, fullAmountPence: PenaltyNoticeRules.fullPence, fullBy: fullBy)
            let state: String
            switch PenaltyNoticeRules.payment(amountPence: payment.amountPence, receivedOn: received, terms: terms) {
            case .paidDiscounted: state = "paid_discounted"
            case .paidFull: state = "paid_full"
            case .late: state = "unpaid"
            case .refused(let reason): throw RequestRefused(.unprocessableContent, reason)
            }
            try await LegalStore.setState(notice.id, state, details: ["paidOn": .string(received.iso), "paidPence": .number(Double(payment.amountPence)),
                                                                      "latePayment": .bool(state == "unpaid")], on: connection, logger: logger)
            try await Chronology.append(pathwayCase.caseId, type: "legal", summary: "Payment of \(payment.amountPence)p received \(received.iso) on \(notice.id): \(state == "unpaid" ? "late, after \(fullBy.iso): blocks a prosecution for the period" : state)",
                                        by: try CaseAccess.actor(context), on: connection, logger: logger)
            try await context.recordAccess(request, status: .ok, on: connection, logger: logger)
            return try JSONResponse.make(.ok, ["id": notice.id, "state": state])
        }
    }

    struct Withdrawal: Decodable {
        /// `should_not_have_been_issued`, `wrong_person`, `material_error`.
        var ground: String
        var detail: String
    }

    func withdraw(_ request: Request, _ context: ServiceRequestContext) async throws -> Response {
        let withdrawal = try await APIBody.decode(Withdrawal.self, request)
        let grounds = ["should_not_have_been_issued", "wrong_person", "material_error"]
        try APIBody.require(grounds.contains(withdrawal.ground), "ground", "expected one of \(grounds.joined(separator: ", "))")
        return try await APITransaction.run(postgres, logger: logger) { connection in
            let (notice, pathwayCase) = try await notice(context, connection)
            guard notice.state != "withdrawn" else { throw RequestRefused(.conflict, "penalty notice \(notice.id) is already withdrawn") }
            let refund = ["paid_discounted", "paid_full"].contains(notice.state)
            try await LegalStore.setState(notice.id, "withdrawn", details: ["withdrawnGround": .string(withdrawal.ground), "refundDue": .bool(refund)], on: connection, logger: logger)
            try await Chronology.append(pathwayCase.caseId, type: "legal", summary: "Penalty notice \(notice.id) withdrawn (\(withdrawal.ground)): \(withdrawal.detail)\(refund ? "; refund due" : "")",
                                        by: try CaseAccess.actor(context), on: connection, logger: logger)
            try await context.recordAccess(request, status: .ok, on: connection, logger: logger)
            return try JSONResponse.make(.ok, ["id": AnyEncodable(notice.id), "state": AnyEncodable("withdrawn"), "refundDue": AnyEncodable(refund)])
        }
    }

    /// A parent's penalty notices for a child (`upn`), every case and school: what the limit counts.
    func history(_ request: Request, _ context: ServiceRequestContext) async throws -> Response {
        let contact = context.parameters.get("contact") ?? ""
        guard let upn = request.uri.queryParameters.get("upn") else { throw RequestRefused(.badRequest, "upn: is required") }
        return try await postgres.withConnection { connection in
            let notices = try await LegalStore.find(where: "kind = 'penalty_notice' AND contact_id = $1 AND upn = $2", CaseStore.binds(contact, String(upn)),
                                                    on: connection, logger: logger)
            context.access.pupil(String(upn))
            let window = PenaltyNoticeRules.limitWindow(issuedOn: .today)
            let counting = notices.filter { $0.state != "withdrawn" && ($0.issuedOn.flatMap { SchoolDate(iso: $0) }.map(window.contains) ?? false) }.count
            return try JSONResponse.make(.ok, ["contactId": AnyEncodable(contact), "upn": AnyEncodable(String(upn)), "countingToday": AnyEncodable(counting),
                                               "limit": AnyEncodable(2), "notices": AnyEncodable(notices)])
        }
    }

    struct EsoConsideration: Decodable {
        /// `apply` or `not_apply`.
        var decision: String
        var reason: String
    }

    /// An education supervision order considered (EA 1996 s447(1)): no prosecution without one.
    func esoConsideration(_ request: Request, _ context: ServiceRequestContext) async throws -> Response {
        let body = try await APIBody.decode(EsoConsideration.self, request)
        try APIBody.require(["apply", "not_apply"].contains(body.decision), "decision", "expected apply or not_apply")
        try APIBody.require(!body.reason.isEmpty, "reason", "must not be empty")
        return try await work.change(request, context, status: .created) { pathwayCase, actor, connection in
            var unmet = CaseGuards(pathwayCase: pathwayCase, settings: settings, connection: connection, logger: logger).notLookedAfter()
            if body.decision == "apply" && pathwayCase.isLookedAfter { unmet.append(UnmetGuard("eso_child_in_care", "an ESO cannot be made for a child in care")) }
            try MoveRefused.check("ESO consideration", unmet)
            let id = try await LegalStore.nextID(prefix: "ESO", caseID: pathwayCase.caseId, on: connection, logger: logger)
            let consideration = LegalIntervention(id: id, caseId: pathwayCase.caseId, kind: "eso_consideration", upn: pathwayCase.upn, contactId: nil,
                                                  state: body.decision == "apply" ? "considered_apply" : "considered_not_apply", issuedOn: SchoolDate.today.iso,
                                                  receiptOn: nil, endsOn: nil, details: ["reason": .string(body.reason)])
            try await LegalStore.insert(consideration, by: actor.subject, on: connection, logger: logger)
            try await Chronology.append(pathwayCase.caseId, type: "legal", summary: "ESO considered: \(body.decision). \(body.reason)", by: actor, on: connection, logger: logger)
            return consideration
        }
    }

    struct Prosecution: Decodable {
        /// `444(1)` or `444(1A)`.
        var section: String
        var contactId: String
    }

    /// A prosecution prepared, behind its gates: the CLA bar, the panel's approval, a recorded ESO consideration,
    /// and no late payment recorded on the parent's notice for the period.
    func prosecution(_ request: Request, _ context: ServiceRequestContext) async throws -> Response {
        let body = try await APIBody.decode(Prosecution.self, request)
        try APIBody.require(["444(1)", "444(1A)"].contains(body.section), "section", "expected 444(1) or 444(1A)")
        return try await work.change(request, context, status: .created) { original, actor, connection in
            var pathwayCase = original
            let guards = CaseGuards(pathwayCase: pathwayCase, settings: settings, connection: connection, logger: logger)
            var unmet = guards.notLookedAfter() + guards.approvedForEnforcement(on: .today, allowNoSupportRoute: false)
            let legal = try await LegalStore.forCase(pathwayCase.caseId, on: connection, logger: logger)
            if !legal.contains(where: { $0.kind == "eso_consideration" }) {
                unmet.append(UnmetGuard("eso_considered", "no education supervision order consideration is recorded (EA 1996 s447(1))"))
            }
            for notice in legal where notice.kind == "penalty_notice" && notice.contactId == body.contactId {
                if notice.details["latePayment"] == .bool(true) {
                    unmet.append(UnmetGuard("payment_received", "a payment on \(notice.id) was recorded after its last date: the period cannot be prosecuted"))
                }
            }
            try MoveRefused.check("prosecution", unmet)
            // Sessions covered by a paid notice are discharged: the charge names the others.
            let paid = legal.filter { $0.kind == "penalty_notice" && $0.contactId == body.contactId && ["paid_discounted", "paid_full"].contains($0.state) }.map(\.id)
            let id = try await LegalStore.nextID(prefix: "PROS", caseID: pathwayCase.caseId, on: connection, logger: logger)
            // A contract should be explored before an ESO or a prosecution: not a bar, a warning on the record.
            let noContract = !legal.contains { $0.kind == "attendance_contract" }
            let prosecution = LegalIntervention(id: id, caseId: pathwayCase.caseId, kind: "prosecution", upn: pathwayCase.upn, contactId: body.contactId, state: "preparing",
                                                issuedOn: nil, receiptOn: nil, endsOn: nil,
                                                details: ["section": .string(body.section), "excludesPeriodsOf": .string(paid.joined(separator: ",")),
                                                          "warning": noContract ? .string("no attendance contract was explored first") : .null])
            try await LegalStore.insert(prosecution, by: actor.subject, on: connection, logger: logger)
            pathwayCase.status = .legalIntervention
            try await CaseStore.update(pathwayCase, on: connection, logger: logger)
            try await Chronology.append(pathwayCase.caseId, type: "legal", summary: "Prosecution under s\(body.section) being prepared against parent \(body.contactId)",
                                        by: actor, on: connection, logger: logger)
            return prosecution
        }
    }
}
