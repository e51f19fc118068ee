import AttendanceDomain
import Events
import Crypto
import Foundation
import Hummingbird
import ServiceRuntime
import TestSupport
import Testing

/// pathway-coordinator on a real broker and PostgreSQL: cases from signals, guarded moves, the referral and
/// its panel pack, and the CLA bar when a child becomes looked after mid-case.
@Suite("the pathway's cases", .serialized, .timeLimit(.minutes(4)))
struct PathwayCaseTests {
    @Test func aSignalOpensOneCaseAndMovesAreGuardedUpToTheReferralAndItsPack() async throws {
        try await PathwayHarness.with { pathway in
            try await pathway.profile()
            let signalID = UUID()
            try await pathway.signal(.persistentAbsence, id: signalID)
            let id = try await pathway.caseID()
            // The same signal again (a redelivery): still one case, one entry for it.
            try await pathway.signal(.persistentAbsence, id: signalID)
            try await pathway.signal(.firstDayAbsence)
            let manager = try await pathway.manager("reader")
            let chronology = try await pathway.until("/v1/cases/\(id)/chronology", as: manager) { (($0.json["entries"] as? [[String: Any]]) ?? []).count >= 2 }
            let entries = try #require(chronology.json["entries"] as? [[String: Any]])
            #expect(entries.map { $0["type"] as? String } == ["case_opened", "signal"], "\(chronology.text)")
            let listing = try await pathway.call(.get, "/v1/cases?school=\(pathway.school)", as: manager)
            #expect(listing.json["total"] as? Int == 1)
            let opened = try await pathway.caseView(id)
            #expect((opened["case"] as? [String: Any])?["stage"] as? Int == 2)

            // A call with its evidence (kept with its SHA-256), then a correction of it: a new entry, the old one kept.
            let officer = try await pathway.officer()
            let note = Data("Spoke to mother 09:10; Amira anxious about PE.".utf8)
            let call = try await pathway.call(.post, "/v1/cases/\(id)/chronology", as: officer, """
                {"type": "call", "summary": "Called mother", "parentEngagement": "engaged", "evidence": [{"name": "call-note.txt", "contentType": "text/plain", "content": "\(note.base64EncodedString())"}]}
                """)
            #expect(call.status == 201, "\(call.text)")
            let sha = try #require((call.json["evidence"] as? [String])?.first)
            #expect(sha == SHA256.hash(data: note).map { String(format: "%02x", $0) }.joined())
            let document = try await pathway.call(.get, "/v1/cases/\(id)/evidence/\(sha)", as: officer)
            #expect(document.status == 200 && document.text == String(decoding: note, as: UTF8.self))
            let callID = try #require(call.json["id"] as? Int)
            #expect(try await pathway.call(.post, "/v1/cases/\(id)/chronology", as: officer, #"{"type": "call", "summary": "Called father, not mother", "corrects": \#(callID)}"#).status == 201)
            #expect(try await pathway.call(.post, "/v1/cases/\(id)/chronology", as: officer, #"{"type": "call", "summary": "x", "corrects": 999999}"#).status == 422)
            #expect(try await pathway.call(.post, "/v1/cases/\(id)/chronology", as: officer, #"{"type": "gossip", "summary": "x"}"#).text.contains("type:"))
            let corrected = try #require(try await pathway.call(.get, "/v1/cases/\(id)/chronology", as: manager).json["entries"] as? [[String: Any]])
            #expect(corrected.filter { $0["type"] as? String == "call" }.map { $0["corrects"] as? Int } == [nil, callID])

            // A SMART target, reviewed.
            let target = try await pathway.call(.post, "/v1/cases/\(id)/targets", as: officer,
                                                #"{"owner": "family", "description": "Amira at school by 08:45", "measure": "no late marks for 4 weeks", "due": "2026-12-18"}"#)
            #expect(target.status == 201)
            let targetID = try #require(target.json["id"] as? Int)
            #expect(try await pathway.call(.put, "/v1/cases/\(id)/targets/\(targetID)/review", as: officer, #"{"result": "partly_met"}"#).status == 200)

            // Two items open: 409 naming both; done: 200, and the chronology says who.
            try await pathway.complete(id, stages: [.prevention, .identifyAndUnderstand], except: ["siblings_considered", "barriers_identified"], as: officer)
            let refused = try await pathway.call(.post, "/v1/cases/\(id)/stage", as: officer, #"{"to": 3}"#)
            #expect(refused.status == 409)
            let unmet = (refused.json["unmet"] as? [[String: String]]) ?? []
            #expect(unmet.count == 2 && unmet.allSatisfy { $0["guard"] == "checklist_incomplete" }, "\(refused.text)")
            #expect(unmet.contains { $0["detail"]?.contains("stage 1 siblings_considered") == true })
            #expect(unmet.contains { $0["detail"]?.contains("stage 2 barriers_identified") == true })
            #expect(try await pathway.call(.put, "/v1/cases/\(id)/checklist/1/siblings_considered", as: officer, #"{"state": "not_applicable"}"#).status == 422)
            #expect(try await pathway.call(.put, "/v1/cases/\(id)/checklist/1/siblings_considered", as: officer, #"{"state": "not_applicable", "reason": "only child"}"#).status == 200)
            #expect(try await pathway.call(.put, "/v1/cases/\(id)/checklist/2/barriers_identified", as: officer, #"{"state": "done"}"#).status == 200)
            let moved = try await pathway.call(.post, "/v1/cases/\(id)/stage", as: officer, #"{"to": 3}"#)
            #expect(moved.status == 200, "\(moved.text)")
            let afterMove = try #require(try await pathway.call(.get, "/v1/cases/\(id)/chronology", as: manager).json["entries"] as? [[String: Any]])
            let move = try #require(afterMove.last { $0["type"] as? String == "stage_move" })
            #expect(move["actor"] as? String == "officer-1" && move["actorRole"] as? String == "la_officer" && (move["at"] as? String)?.hasPrefix("20") == true)

            // Stage 4 needs no improvement over 6 school weeks at stage 3, or severe absence.
            try await pathway.complete(id, stages: [.supportChildAndFamily], as: officer)
            let tooSoon = try await pathway.call(.post, "/v1/cases/\(id)/stage", as: officer, #"{"to": 4}"#)
            #expect(tooSoon.status == 409 && tooSoon.text.contains("no_improvement") && tooSoon.text.contains("6 school weeks"), "\(tooSoon.text)")
            try await pathway.severe(id)
            #expect(try await pathway.call(.post, "/v1/cases/\(id)/stage", as: officer, #"{"to": 4}"#).status == 200)

            // The referral: without oversight, with the caseworker's, with another manager's.
            try await pathway.complete(id, stages: [.formaliseSupport], as: officer)
            try await pathway.offerSupport(id, as: officer)
            #expect(try await pathway.call(.put, "/v1/cases/\(id)/assignment", as: officer,
                                           #"{"caseworker": "manager-a", "leadProfessional": {"subject": "officer-1", "name": "Sam Reid", "service": "la_attendance"}}"#).status == 200)
            let noOversight = try await pathway.call(.post, "/v1/cases/\(id)/referral", as: officer, PathwayHarness.answers)
            #expect(noOversight.status == 409 && noOversight.text.contains("management_oversight"), "\(noOversight.text)")
            #expect(try await pathway.call(.post, "/v1/cases/\(id)/oversight", as: try await pathway.manager("manager-a"),
                                           #"{"decision": "approve", "rationale": "agreed"}"#).status == 201)
            let caseworkers = try await pathway.call(.post, "/v1/cases/\(id)/referral", as: officer, PathwayHarness.answers)
            #expect(caseworkers.status == 409 && caseworkers.text.contains("oversight_independent"), "\(caseworkers.text)")
            #expect(try await pathway.call(.post, "/v1/cases/\(id)/oversight", as: try await pathway.manager("manager-b"),
                                           #"{"decision": "approve", "rationale": "support exhausted and evidenced"}"#).status == 201)
            let referred = try await pathway.call(.post, "/v1/cases/\(id)/referral", as: officer, PathwayHarness.answers)
            #expect(referred.status == 201, "\(referred.text)")

            // The booking request carries the name, date of birth and school, not the case.
            let requests = try await pathway.published(TopicCatalogue.meetingRequests, type: MeetingRequested.type)
            let request = try #require(requests.first)
            #expect(request["forename"] as? String == "Amira" && request["surname"] as? String == "Okafor")
            #expect(request["dateOfBirth"] as? String == "2014-03-09" && request["schoolUrn"] as? String == pathway.school)
            #expect(request["overview"] == nil && request["presentingConcerns"] == nil && request["supportOffers"] == nil)

            // Later marks change the figures; the pack keeps those at referral.
            try await pathway.signal(.recovered, rate: 52.0)
            try await pathway.until("/v1/cases/\(id)", as: manager) {
                ((($0.json["case"] as? [String: Any])?["latestFigures"] as? [String: Any])?["attendanceRate"] as? Double) == 52.0
            }
            let pack = try await pathway.call(.get, "/v1/cases/\(id)/panel-pack", as: manager)
            #expect(pack.status == 200)
            #expect((pack.json["figures"] as? [String: Any])?["attendanceRate"] as? Double == 48.0, "\(pack.text)")
            // A panel chair reads the pack only from 2 working days before a booked session, and never the case file.
            let chair = try await TestIdentity.token([.panelChair], subject: "chair-1")
            #expect(try await pathway.call(.get, "/v1/cases/\(id)/panel-pack", as: chair).status == 409)
            #expect(try await pathway.call(.get, "/v1/cases/\(id)", as: chair).status == 403)
            #expect((pack.json["overview"] as? [String: Any])?["stage"] as? Int == 4)
            #expect(((pack.json["supportOffers"] as? [Any]) ?? []).count == 3)
            #expect(((pack.json["presentingConcerns"] as? [String]) ?? []).contains { $0.hasPrefix("persistent_absence") })
            #expect(((pack.json["presentingConcerns"] as? [String]) ?? []).contains { $0.hasPrefix("severe_absence") })
        }
    }

    @Test func aBookedCaseWhoseChildBecomesLookedAfterGoesToSocialCareNeverToEnforcement() async throws {
        try await PathwayHarness.with { pathway in
            try await pathway.profile()
            try await pathway.signal(.persistentAbsence)
            let id = try await pathway.caseID()
            let referred = try await pathway.refer(id)
            #expect(referred.status == 201, "\(referred.text)")
            let referralID = try #require(referred.json["referralId"] as? String)
            // Booked by meeting-scheduler: a panel, the chair's acceptance, an allocation run.
            let scheduler = pathway.services.others[2]
            let chair = try await TestIdentity.token([.panelChair], subject: "chair-1")
            let admin = try await TestIdentity.token([.laAdmin], subject: "admin-1")
            #expect(try await AccessFixture.call(scheduler, .post, "/v1/panel-series", token: admin, body: SchedulerTests.series).status == 201)
            try await AccessFixture.until(scheduler, "/v1/requests", token: chair) { $0.text.contains(referralID) }
            #expect(try await AccessFixture.call(scheduler, .post, "/v1/requests/\(referralID)/accept", token: chair).status == 200)
            let run = try await AccessFixture.call(scheduler, .post, "/v1/allocation-runs", token: chair)
            let booking = try #require((run.json["booked"] as? [[String: Any]])?.first?["bookingId"] as? String, "\(run.text)")
            let manager = try await pathway.manager("reader")
            try await pathway.until("/v1/cases/\(id)", as: manager) { (($0.json["referrals"] as? [[String: String]])?.first?["state"]) == "booked" }

            try await pathway.profile(lookedAfter: true)
            let escalated = try await pathway.until("/v1/cases/\(id)", as: manager) { (($0.json["case"] as? [String: Any])?["status"] as? String) == "social_care_escalation" }
            #expect((escalated.json["referrals"] as? [[String: String]])?.first?["state"] == "withdrawn", "\(escalated.text)")
            let tasks = ((escalated.json["tasks"] as? [[String: Any]]) ?? []).compactMap { $0["kind"] as? String }
            #expect(tasks.contains("social_worker_escalation") && tasks.contains("virtual_school_escalation"))
            let withdrawn = try await pathway.published(TopicCatalogue.meetingRequests, type: MeetingRequestWithdrawn.type)
            #expect(withdrawn.first?["referralId"] as? String == referralID)
            // The scheduler cancels the booking: the slot is free again, and the cancellation is announced.
            let cancelled = try await pathway.published(TopicCatalogue.meetingsBooked, type: MeetingBookingChanged.cancelled)
            #expect(cancelled.first?["bookingId"] as? String == booking, "\(cancelled)")
            let sessions = try await AccessFixture.call(scheduler, .get, "/v1/sessions", token: chair)
            #expect(!sessions.text.contains(booking), "\(sessions.text)")
            // The social worker and the virtual school are told (besides the panel's invitations and their cancellation).
            let messages = try await pathway.published(TopicCatalogue.notificationRequests, type: NotificationRequested.type, count: 8)
                .filter { $0["templateKey"] as? String == "social_care_escalation" }
            #expect(Set(messages.compactMap { $0["audience"] as? String }) == ["social_worker", "virtual_school"], "\(messages)")

            // What became of the message to the virtual school goes into the chronology.
            try await pathway.send(NotificationDelivery(requestId: "r-1", caseId: id, templateKey: "social_care_escalation", status: "delivered", channel: "email",
                                                        contactId: nil, at: "2026-11-29T10:00:00Z"),
                                   type: NotificationDelivery.type, topic: TopicCatalogue.notificationDeliveries, key: id)
            try await pathway.until("/v1/cases/\(id)/chronology", as: manager) { $0.text.contains("social_care_escalation by email: delivered") }

            // Every enforcement step: 409 cla_no_enforcement.
            let legal = try await pathway.legal()
            for (path, body) in [("legal/penalty-notices", "{}"), ("legal/notice-to-improve", "{}"), ("legal/prosecution", #"{"section": "444(1)", "contactId": "C-MUM"}"#),
                                 ("legal/eso-consideration", #"{"decision": "apply", "reason": "r"}"#)] {
                let answer = try await pathway.call(.post, "/v1/cases/\(id)/\(path)", as: legal, body)
                #expect(answer.status == 409 && answer.text.contains("cla_no_enforcement"), "\(path): \(answer.text)")
            }
            let again = try await pathway.call(.post, "/v1/cases/\(id)/referral", as: try await pathway.officer(), PathwayHarness.answers)
            #expect(again.status == 409 && again.text.contains("cla_no_enforcement"), "\(again.text)")
            // A late outcome for the withdrawn referral changes nothing.
            try await pathway.send(MeetingOutcomeRecorded(caseId: id, referralId: referralID, bookingId: booking, outcome: .approveEnforcementReferral, chair: "chair-1", rationale: "late"),
                                   type: MeetingOutcomeRecorded.type, topic: TopicCatalogue.meetingOutcomes, key: id)
            try await pathway.until("/v1/cases/\(id)/chronology", as: manager) { $0.text.contains("no longer live") }
            #expect((try await pathway.caseView(id)["case"] as? [String: Any])?["status"] as? String == "social_care_escalation")
        }
    }

    @Test func aSchoolLeadOfAnotherSchoolIsAnswered404AndTheReadIsAudited() async throws {
        try await PathwayHarness.with { pathway in
            try await pathway.signal(.emergingPersistentAbsence)
            let id = try await pathway.caseID()
            let other = try await TestIdentity.token([.schoolLead], subject: "lead-elsewhere", schools: ["100001"])
            let answer = try await pathway.call(.get, "/v1/cases/\(id)", as: other)
            #expect(answer.status == 404)
            let own = try await TestIdentity.token([.schoolLead], subject: "lead-here", schools: [pathway.school])
            #expect(try await pathway.call(.get, "/v1/cases/\(id)", as: own).status == 200)
            // Lists are scoped in the query: the other school's lead sees none, a social worker sees their allocated pupil's.
            #expect(try await pathway.call(.get, "/v1/cases", as: other).json["total"] as? Int == 0)
            let worker = try await TestIdentity.token([.socialWorker], subject: "sw-1", pupils: [pathway.upn])
            #expect(try await pathway.call(.get, "/v1/cases", as: worker).json["total"] as? Int == 1)
            let auditor = try await TestIdentity.token([.auditor], subject: "auditor-1")
            let audit = try await pathway.call(.get, "/v1/audit?subject=lead-elsewhere", as: auditor)
            let rows = ((audit.json["entries"] as? [[String: Any]]) ?? []).filter { ($0["action"] as? String)?.contains("/v1/cases/") == true }
            #expect(rows.count == 1 && rows.first?["status"] as? Int == 404 && (rows.first?["refusal"] as? String)?.contains(id) == true, "\(audit.text)")
        }
    }
}
