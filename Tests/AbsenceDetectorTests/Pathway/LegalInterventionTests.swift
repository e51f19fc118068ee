@testable import PathwayCoordinator
import AttendanceDomain
import Events
import Foundation
import Hummingbird
import ServiceRuntime
import TestSupport
import Testing

/// Legal interventions: penalty notices per parent per child with the limit and payment dates from receipt,
/// and a Notice to Improve over term dates, breached through the detector's watch.
@Suite("legal interventions", .serialized, .timeLimit(.minutes(4)))
struct LegalInterventionTests {
    static func day(_ iso: String) -> SchoolDate { SchoolDate(iso: iso)! }

    @Test func penaltyNoticeTermsCountFromReceiptAndStopAtTwo() {
        let calendar = WorkingCalendar()
        // Issued Friday 22 August 2025: Monday is the summer bank holiday, so posted Tuesday, received Thursday.
        let first = PenaltyNoticeRules.terms(prior: 0, issuedOn: Self.day("2025-08-22"), calendar: calendar, deemedReceiptWorkingDays: 2)
        #expect(first?.postedOn == Self.day("2025-08-26") && first?.receiptOn == Self.day("2025-08-28"))
        #expect(first?.discountedAmountPence == 8_000 && first?.discountedBy == Self.day("2025-09-18") && first?.fullBy == Self.day("2025-09-25"))
        let second = PenaltyNoticeRules.terms(prior: 1, issuedOn: Self.day("2026-12-24"), calendar: calendar, deemedReceiptWorkingDays: 2)
        #expect(second?.receiptOn == Self.day("2026-12-31") && second?.discountedAmountPence == nil && second?.fullBy == Self.day("2027-01-28"))
        #expect(PenaltyNoticeRules.terms(prior: 2, issuedOn: Self.day("2026-12-24"), calendar: calendar, deemedReceiptWorkingDays: 2) == nil)
        // The window is (D − 3 years, D].
        #expect(PenaltyNoticeRules.limitWindow(issuedOn: Self.day("2026-12-24")) == Self.day("2023-12-25")...Self.day("2026-12-24"))
        let terms = try! #require(first)
        #expect(PenaltyNoticeRules.payment(amountPence: 8_000, receivedOn: Self.day("2025-09-18"), terms: terms) == .paidDiscounted)
        #expect(PenaltyNoticeRules.payment(amountPence: 8_000, receivedOn: Self.day("2025-09-19"), terms: terms) != .paidDiscounted)
        #expect(PenaltyNoticeRules.payment(amountPence: 16_000, receivedOn: Self.day("2025-09-25"), terms: terms) == .paidFull)
        #expect(PenaltyNoticeRules.payment(amountPence: 16_000, receivedOn: Self.day("2025-09-26"), terms: terms) == .late)
        if case .refused(let reason) = PenaltyNoticeRules.payment(amountPence: 5_000, receivedOn: Self.day("2025-09-01"), terms: terms) {
            #expect(reason.hasPrefix("amountPence:"))
        } else { Issue.record("a part payment was accepted") }
    }

    @Test func aWithdrawnThresholdClosesItsConsiderationOnceNoneStandsRefusesNoticesOnItAndAsksForAReview() async throws {
        try await PathwayHarness.with { pathway in
            try await pathway.profile()
            func holiday(_ day: Int) -> [AttendanceSignal.SessionMark] {  // ten G sessions over five days from 2025-06-<day>
                (0..<10).map { AttendanceSignal.SessionMark(date: "2025-06-\(day + $0 / 2)", session: $0 % 2 == 0 ? "AM" : "PM", code: "G") }
            }
            let first = holiday(10), second = holiday(20)
            let officer = try await pathway.officer(), manager = try await pathway.manager("reader"), legal = try await pathway.legal()
            func tasks(_ answer: AccessFixture.Answer, _ kind: String) -> [[String: Any]] {
                ((answer.json["tasks"] as? [[String: Any]]) ?? []).filter { $0["kind"] as? String == kind }
            }
            func withdraw(_ sessions: [AttendanceSignal.SessionMark]) async throws {
                try await pathway.signal(.thresholdWithdrawn, sessions: sessions, recoveredFrom: .penaltyNoticeThreshold,
                                         reason: "\(sessions[0].date) AM amended from G to C: 9 of the offence period's 10 sessions are still coded G, N, O, U")
            }
            func threshold(_ sessions: [AttendanceSignal.SessionMark]) async throws {
                try await pathway.signal(.penaltyNoticeThreshold, sessions: sessions, reason: "10 sessions coded G, N, O, U from \(sessions[0].date)")
            }
            func noted(_ id: String, _ text: String) async throws {
                let chronology = try await pathway.until("/v1/cases/\(id)/chronology", as: manager) { $0.text.contains(text) }
                #expect(chronology.text.contains(text), "\(chronology.text)")
            }
            // Two offence periods: one consideration asks about both.
            try await threshold(first)
            let id = try await pathway.caseID()
            try await threshold(second)
            try await noted(id, "from 2025-06-20")
            // The first withdrawn: the second still stands, so the consideration stays open and a notice can be decided.
            try await withdraw(first)
            try await noted(id, "2025-06-10 AM amended")
            let open = try await pathway.call(.get, "/v1/cases/\(id)", as: manager)
            #expect(tasks(open, "penalty_consideration").map { $0["done"] as? Bool } == [false], "\(open.text)")
            // The second withdrawn too: nothing stands; the consideration is closed by the coordinator.
            try await withdraw(second)
            let closed = try await pathway.until("/v1/cases/\(id)", as: manager) { tasks($0, "penalty_consideration").allSatisfy { $0["done"] as? Bool == true } }
            #expect(tasks(closed, "penalty_consideration").count == 1, "\(closed.text)")
            let refused = try await pathway.call(.post, "/v1/cases/\(id)/penalty-consideration", as: officer, #"{"decision": "penalty_notice", "reason": "holiday"}"#)
            #expect(refused.status == 409 && refused.text.contains("threshold_stands"), "\(refused.text)")
            #expect(try await pathway.call(.post, "/v1/cases/\(id)/penalty-consideration", as: officer, #"{"decision": "support_first", "reason": "meet the family"}"#).status == 200)

            // A new period: decided (mostly G: the no-support route) and issued to both parents.
            let third = holiday(25)
            try await threshold(third)
            try await pathway.until("/v1/cases/\(id)", as: manager) { answer in tasks(answer, "penalty_consideration").contains { $0["done"] as? Bool == false } }
            let decided = try await pathway.call(.post, "/v1/cases/\(id)/penalty-consideration", as: officer, #"{"decision": "penalty_notice", "reason": "holiday"}"#)
            #expect(decided.status == 200 && decided.json["noSupportRoute"] as? Bool == true, "\(decided.text)")
            let issued = try await pathway.call(.post, "/v1/cases/\(id)/legal/penalty-notices", as: legal, #"{"issueDate": "2025-08-22", "contactIds": ["C-MUM"]}"#)
            #expect(issued.status == 201, "\(issued.text)")

            // It is withdrawn in turn: a review of the running notice, and no notice for the other parent.
            try await withdraw(third)
            let reviewed = try await pathway.until("/v1/cases/\(id)", as: manager) { !tasks($0, "review_after_withdrawn_threshold").isEmpty }
            let review = try #require(tasks(reviewed, "review_after_withdrawn_threshold").first, "\(reviewed.text)")
            #expect((review["detail"] as? String)?.contains("PN-\(id)-1") == true, "\(review)")
            #expect((reviewed.json["case"] as? [String: Any])?["noSupportRoute"] as? Bool == false, "\(reviewed.text)")
            // Off the no-support route the case is no longer the legal officer's to see; one who also manages sees the guards.
            let both = try await TestIdentity.token([.legalOfficer, .laManager], subject: "legal-manager")
            let father = try await pathway.call(.post, "/v1/cases/\(id)/legal/penalty-notices", as: both, #"{"issueDate": "2025-08-22", "contactIds": ["C-DAD"]}"#)
            #expect(father.status == 409 && father.text.contains("threshold_stands"), "\(father.text)")
            try await noted(id, "threshold_withdrawn: 2025-06-25 AM amended from G to C")
        }
    }

    /// The whole way, as the school and the LA meet it: registers into register-ingest, the detector's threshold
    /// and the coordinator's consideration, then the school's amendment of one `N` withdrawing both.
    @Test func aSchoolsAmendmentWithdrawsTheThresholdFromRegisterToCase() async throws {
        try await PathwayHarness.with { pathway in
            try await pathway.profile()
            #expect(try await AccessFixture.waitFor("SELECT count(*) FROM pupil_profiles WHERE upn = '\(pathway.upn)'", pathway.services.detectorPostgres))
            func post(_ date: String, _ session: String, _ code: String) async throws {
                let body = #"{"schoolUrn": "\#(pathway.school)", "date": "\#(date)", "session": "\#(session)", "marks": [{"upn": "\#(pathway.upn)", "code": "\#(code)"}]}"#
                let answer = try await AccessFixture.call(pathway.services.ingest, .post, "/v1/registers", token: AccessFixture.connectorToken, body: body)
                #expect(answer.status == 200, "\(answer.text)")
            }
            // Ten mornings without a reason (N), present each afternoon: 2 to 13 November 2026.
            let days = SignalRulesTests.schoolDays(10, from: SchoolDate(iso: "2026-11-02")!)
            for day in days {
                try await post(day.iso, "AM", "N")
                try await post(day.iso, "PM", #"\\"#)
            }
            let id = try await pathway.caseID()
            let manager = try await pathway.manager("reader"), officer = try await pathway.officer()
            func consideration(_ answer: AccessFixture.Answer) -> [Bool] {
                ((answer.json["tasks"] as? [[String: Any]]) ?? []).filter { $0["kind"] as? String == "penalty_consideration" }.compactMap { $0["done"] as? Bool }
            }
            let opened = try await pathway.until("/v1/cases/\(id)", as: manager) { consideration($0) == [false] }
            #expect(consideration(opened) == [false], "\(opened.text)")

            // The parent's reason for Wednesday 4 November is accepted: the school sends that morning again as I.
            try await post(days[2].iso, "AM", "I")
            let closed = try await pathway.until("/v1/cases/\(id)", as: manager) { consideration($0) == [true] }
            #expect(consideration(closed) == [true], "\(closed.text)")
            let upn = pathway.upn
            #expect(try await AccessFixture.count("SELECT count(*) FROM signals WHERE upn = '\(upn)' AND kind = 'threshold_withdrawn'", pathway.services.detectorPostgres) == 1)
            let refused = try await pathway.call(.post, "/v1/cases/\(id)/penalty-consideration", as: officer, #"{"decision": "penalty_notice", "reason": "ten sessions"}"#)
            #expect(refused.status == 409 && refused.text.contains("threshold_stands"), "\(refused.text)")
        }
    }

    @Test func eachParentGetsANoticeAndTheLimitIsPerParentPerChild() async throws {
        try await PathwayHarness.with { pathway in
            try await pathway.profile()
            // A term-time holiday: ten G sessions, the no-support route.
            let holiday = (0..<10).map { AttendanceSignal.SessionMark(date: "2025-06-\(10 + $0 / 2)", session: $0 % 2 == 0 ? "AM" : "PM", code: "G") }
            try await pathway.signal(.penaltyNoticeThreshold, sessions: holiday)
            let id = try await pathway.caseID()
            let legal = try await pathway.legal()
            // Before anyone decides, the case is not the legal officer's to see; a legal officer who also manages sees the unmet guard.
            #expect(try await pathway.call(.post, "/v1/cases/\(id)/legal/penalty-notices", as: legal, #"{"issueDate": "2025-08-22"}"#).status == 404)
            let both = try await TestIdentity.token([.legalOfficer, .laManager], subject: "legal-manager")
            let early = try await pathway.call(.post, "/v1/cases/\(id)/legal/penalty-notices", as: both, #"{"issueDate": "2025-08-22"}"#)
            #expect(early.status == 409 && early.text.contains("enforcement_approved"), "\(early.text)")
            let decided = try await pathway.call(.post, "/v1/cases/\(id)/penalty-consideration", as: try await pathway.officer(),
                                                 #"{"decision": "penalty_notice", "reason": "two weeks' term-time holiday; support not appropriate"}"#)
            #expect(decided.json["noSupportRoute"] as? Bool == true, "\(decided.text)")

            // Both parents with parental responsibility get one each (the grandmother has none).
            let first = try await pathway.call(.post, "/v1/cases/\(id)/legal/penalty-notices", as: legal, #"{"issueDate": "2025-08-22"}"#)
            #expect(first.status == 201, "\(first.text)")
            let notices = (try JSONSerialization.jsonObject(with: Data(first.text.utf8)) as? [[String: Any]]) ?? []
            #expect(Set(notices.compactMap { $0["contactId"] as? String }) == ["C-MUM", "C-DAD"])
            #expect(notices.allSatisfy { $0["receiptOn"] as? String == "2025-08-28" && $0["endsOn"] as? String == "2025-09-25" })
            #expect(notices.allSatisfy { ($0["details"] as? [String: Any])?["discountedBy"] as? String == "2025-09-18" })
            // Each parent with PR is told a notice is being considered, then sent the notice.
            let messages = try await pathway.published(TopicCatalogue.notificationRequests, type: NotificationRequested.type, count: 4)
            #expect(Set(messages.compactMap { $0["contactId"] as? String }) == ["C-MUM", "C-DAD"] && messages.allSatisfy { $0["statutory"] as? Bool == true })
            #expect(messages.compactMap { $0["templateKey"] as? String }.sorted() == ["penalty_notice", "penalty_notice", "penalty_notice_considered", "penalty_notice_considered"])

            // A second for the mother: a flat £160. A third for both: refused, naming her alone.
            let second = try await pathway.call(.post, "/v1/cases/\(id)/legal/penalty-notices", as: legal, #"{"issueDate": "2026-03-02", "contactIds": ["C-MUM"]}"#)
            #expect(second.status == 201 && second.text.contains("\"sequence\":2"), "\(second.text)")
            let third = try await pathway.call(.post, "/v1/cases/\(id)/legal/penalty-notices", as: legal, #"{"issueDate": "2026-12-24"}"#)
            #expect(third.status == 409, "\(third.text)")
            let unmet = (third.json["unmet"] as? [[String: String]]) ?? []
            #expect(unmet.count == 1 && unmet.first?["guard"] == "penalty_notice_limit" && unmet.first?["detail"]?.contains("C-MUM") == true, "\(third.text)")
            let father = try await pathway.call(.post, "/v1/cases/\(id)/legal/penalty-notices", as: legal, #"{"issueDate": "2026-12-24", "contactIds": ["C-DAD"]}"#)
            #expect(father.status == 201 && father.text.contains("\"receiptOn\":\"2026-12-31\"") && father.text.contains("\"endsOn\":\"2027-01-28\""), "\(father.text)")

            // A withdrawn notice does not count: withdrawing the mother's second lets a new one through.
            let secondID = try #require(((try JSONSerialization.jsonObject(with: Data(second.text.utf8)) as? [[String: Any]])?.first)?["id"] as? String)
            #expect(try await pathway.call(.post, "/v1/penalty-notices/\(secondID)/withdraw", as: legal, #"{"ground": "material_error", "detail": "wrong sessions"}"#).status == 200)
            #expect(try await pathway.call(.post, "/v1/cases/\(id)/legal/penalty-notices", as: legal, #"{"issueDate": "2026-12-24", "contactIds": ["C-MUM"]}"#).status == 201)
            // Backdating does not reset the count: a notice dated before the father's two still sees them. Nor does naming a parent twice.
            let backdated = try await pathway.call(.post, "/v1/cases/\(id)/legal/penalty-notices", as: legal, #"{"issueDate": "2025-01-06", "contactIds": ["C-DAD"]}"#)
            #expect(backdated.status == 409 && backdated.text.contains("penalty_notice_limit"), "\(backdated.text)")
            let twice = try await pathway.call(.post, "/v1/cases/\(id)/legal/penalty-notices", as: legal, #"{"contactIds": ["C-DAD", "C-DAD"]}"#)
            #expect(twice.status == 422 && twice.text.contains("contactIds"), "\(twice.text)")
            let history = try await pathway.call(.get, "/v1/parents/C-MUM/penalty-history?upn=\(pathway.upn)", as: legal)
            #expect(((history.json["notices"] as? [[String: Any]]) ?? []).map { $0["state"] as? String } == ["issued", "withdrawn", "issued"], "\(history.text)")

            // Payments: no part payments; £80 by the discount date settles the father's first notice.
            let fatherFirst = try #require(notices.first { $0["contactId"] as? String == "C-DAD" }?["id"] as? String)
            let part = try await pathway.call(.post, "/v1/penalty-notices/\(fatherFirst)/payments", as: legal, #"{"amountPence": 5000, "receivedOn": "2025-09-01"}"#)
            #expect(part.status == 422 && part.text.contains("amountPence"))
            let paid = try await pathway.call(.post, "/v1/penalty-notices/\(fatherFirst)/payments", as: legal, #"{"amountPence": 8000, "receivedOn": "2025-09-18"}"#)
            #expect(paid.json["state"] as? String == "paid_discounted", "\(paid.text)")
        }
    }

    @Test func aNoticeToImproveOverHalfTermEndsOnTheRightDateAndIsBreachedThroughAWatch() async throws {
        try await PathwayHarness.with { pathway in
            let admin = try await TestIdentity.token([.laAdmin], subject: "admin-1")
            let terms = #"{"terms": [{"start": "2026-09-02", "end": "2026-10-23"}, {"start": "2026-11-02", "end": "2026-12-18"}], "closures": []}"#
            #expect(try await pathway.call(.put, "/v1/term-dates", as: admin, terms).status == 200)
            try await pathway.profile()
            try await pathway.signal(.persistentAbsence)
            let id = try await pathway.caseID()
            let referred = try await pathway.refer(id)
            let referralID = try #require(referred.json["referralId"] as? String, "\(referred.text)")
            try await pathway.send(MeetingOutcomeRecorded(caseId: id, referralId: referralID, bookingId: "B-1", outcome: .approveEnforcementReferral,
                                                          chair: "chair-1", rationale: "support refused throughout"),
                                   type: MeetingOutcomeRecorded.type, topic: TopicCatalogue.meetingOutcomes, key: id)
            let manager = try await pathway.manager("reader")
            try await pathway.until("/v1/cases/\(id)", as: manager) { (($0.json["case"] as? [String: Any])?["status"] as? String) == "enforcement_approved" }

            // An attendance contract, agreed at a meeting with each parent: the mother signs, the father declines.
            let officer = try await pathway.officer()
            let proposed = try await pathway.call(.post, "/v1/cases/\(id)/legal/attendance-contract", as: officer, #"{"meetingDate": "2026-10-05"}"#)
            #expect(proposed.status == 201, "\(proposed.text)")
            let contracts = ((try JSONSerialization.jsonObject(with: Data(proposed.text.utf8)) as? [[String: Any]]) ?? []).compactMap { $0["id"] as? String }
            let mother = try #require(contracts.first { $0.hasSuffix("C-MUM") }), father = try #require(contracts.first { $0.hasSuffix("C-DAD") })
            #expect(try await pathway.call(.put, "/v1/attendance-contracts/\(mother)", as: officer, #"{"state": "signed", "on": "2026-10-06", "reviewWeeks": 4}"#).status == 200)
            #expect(try await pathway.call(.put, "/v1/attendance-contracts/\(father)", as: officer, #"{"state": "declined", "on": "2026-10-06"}"#).status == 200)
            let again = try await pathway.call(.put, "/v1/attendance-contracts/\(father)", as: officer, #"{"state": "signed", "on": "2026-10-07"}"#)
            #expect(again.status == 409 && again.text.contains("contract_state"), "\(again.text)")

            // Issued Friday 9 October: posted Monday 12, received Wednesday 14; six school weeks from Thursday 15, half-term not counted.
            let legal = try await pathway.legal()
            let issued = try await pathway.call(.post, "/v1/cases/\(id)/legal/notice-to-improve", as: legal, #"{"issueDate": "2026-10-09"}"#)
            #expect(issued.status == 201, "\(issued.text)")
            let notices = (try JSONSerialization.jsonObject(with: Data(issued.text.utf8)) as? [[String: Any]]) ?? []
            #expect(notices.count == 2 && notices.allSatisfy { $0["receiptOn"] as? String == "2026-10-14" && $0["endsOn"] as? String == "2026-12-02" }, "\(issued.text)")

            // The detector watches the period; an O in week 2 (Tuesday 20 October) breaches it.
            func post(_ date: String, _ code: String) async throws {
                for session in ["AM", "PM"] {
                    let mark = code == "/" && session == "PM" ? #"\\"# : code  // present: / in the morning, \ in the afternoon
                    let body = #"{"schoolUrn": "\#(pathway.school)", "date": "\#(date)", "session": "\#(session)", "marks": [{"upn": "\#(pathway.upn)", "code": "\#(mark)"}]}"#
                    let answer = try await AccessFixture.call(pathway.services.ingest, .post, "/v1/registers", token: AccessFixture.connectorToken, body: body)
                    #expect(answer.status == 200, "\(answer.text)")
                }
            }
            #expect(try await AccessFixture.waitFor("SELECT count(*) FROM watches", pathway.services.detectorPostgres))
            for date in ["2026-10-15", "2026-10-16", "2026-10-19"] { try await post(date, "/") }
            try await post("2026-10-20", "O")
            // Each notice's watch answers on its own: wait for both breaches and the task they raise.
            let breached = try await pathway.until("/v1/cases/\(id)", as: manager) { answer in
                ((answer.json["legalInterventions"] as? [[String: Any]]) ?? []).filter { $0["kind"] as? String == "notice_to_improve" && $0["state"] as? String == "breached" }.count == 2
                    && ((answer.json["tasks"] as? [[String: Any]]) ?? []).contains { $0["kind"] as? String == "consider_early_notice" }
            }
            let states = ((breached.json["legalInterventions"] as? [[String: Any]]) ?? []).filter { $0["kind"] as? String == "notice_to_improve" }
            #expect(states.count == 2 && states.allSatisfy { $0["state"] as? String == "breached" }, "\(breached.text)")
            #expect(((breached.json["tasks"] as? [[String: Any]]) ?? []).contains { $0["kind"] as? String == "consider_early_notice" })
            // The same O breaks the contract the mother signed (its own watch): it goes to an early review.
            let reviewed = try await pathway.until("/v1/cases/\(id)", as: manager) { answer in
                ((answer.json["legalInterventions"] as? [[String: Any]]) ?? []).contains { $0["id"] as? String == mother && $0["state"] as? String == "under_review" }
            }
            #expect(((reviewed.json["legalInterventions"] as? [[String: Any]]) ?? []).first { $0["id"] as? String == father }?["state"] as? String == "declined")
        }
    }
}
