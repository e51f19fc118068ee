import Events
import Foundation
import ServiceRuntime
import TestSupport
import Testing

/// First-day messages end to end: the signal on the broker, the service's binary, GOV.UK Notify's stand-in and a
/// real SMTP server on loopback, and the service's clock moved by the test (1 December 2026 is a Tuesday, GMT).
@Suite(.serialized, .timeLimit(.minutes(5))) struct FirstDayMessageTests {
    static func mother(_ id: String, mobile: String?, email: String? = nil, language: String? = nil) -> PupilContact {
        PupilContact(contactId: id, name: "Joy Okafor", relationship: "mother", parentalResponsibility: true, email: email, mobile: mobile,
                     preferredLanguage: language, preferredChannel: nil)
    }

    @Test func waitsUntilHalfPastNineSendsOnceAndAnExplanationFirstCancelsIt() async throws {
        try await NotificationFixture.with { f in
            try f.setClock("2026-12-01T08:50:00Z")
            try await f.startService()
            try await f.recordSchool()
            let explained = AccessFixture.upn(Int.random(in: 1...499_999)), unexplained = AccessFixture.upn(Int.random(in: 500_000...999_999))
            try await f.pupil(explained, forename: "Amira", contacts: [Self.mother("C-1", mobile: "07700 900123")])
            try await f.pupil(unexplained, forename: "Leo", contacts: [
                Self.mother("C-2", mobile: "+44 7700 900456"),
                PupilContact(contactId: "C-3", name: "Sam Brook", relationship: "father", parentalResponsibility: true, email: "sam.brook@family.example",
                             mobile: nil, preferredLanguage: nil, preferredChannel: nil),
                PupilContact(contactId: "C-4", name: "Ann Brook", relationship: "grandmother", parentalResponsibility: false, email: nil,
                             mobile: "07700 900789", preferredLanguage: nil, preferredChannel: nil),
            ])
            #expect(try await AccessFixture.waitFor("SELECT count(*) FROM contacts", atLeast: 4, f.postgres))
            try await f.signal(.firstDayAbsence, upn: explained, session: "2026-12-01 AM")
            try await f.signal(.firstDayAbsence, upn: unexplained, session: "2026-12-01 AM")
            #expect(try await AccessFixture.waitFor("SELECT count(*) FROM messages WHERE status = 'queued'", atLeast: 3, f.postgres))

            // 09:10: the parent rang; the register is amended and the detector says so.
            try f.setClock("2026-12-01T09:10:00Z")
            try await f.signal(.firstDayAbsenceExplained, upn: explained, session: "2026-12-01 AM")
            #expect(try await f.eventually { try await f.messages(explained).first?.status == "cancelled_explained" })
            try await Task.sleep(for: .seconds(1))
            #expect(await f.notifySent().isEmpty, "nothing goes before 09:30")
            #expect(f.mails().isEmpty)

            try f.setClock("2026-12-01T09:30:00Z")
            #expect(try await f.eventually { await f.notifySent().count >= 1 && f.mails().count >= 1 })
            try await Task.sleep(for: .seconds(2))
            let sent = await f.notifySent()
            #expect(sent.count == 1, "exactly one text message: \(sent)")
            #expect(sent.first?["phone_number"] as? String == "07700900456")
            #expect(sent.first?["template_id"] as? String == NotificationFixture.smsTemplate)
            let body = sent.first?["body"] as? String ?? ""
            #expect(body.contains("Leo") && body.contains("Hillside Primary") && body.contains("01632 960123"), "\(body)")
            #expect(!body.contains(" N ") && !body.contains("code"), "no register code reaches a family")

            let mails = try await f.python("mime_check.py", f.mails().map(\.path))
            #expect(mails.count == 1)
            let mail = try #require(mails.first)
            #expect(mail["envelopeTo"] as? String == "sam.brook@family.example")
            #expect(mail["subject"] as? String == "Leo was not in school today")
            #expect((mail["defects"] as? [Any])?.isEmpty == true, "\(mail["defects"] ?? "")")
            let parts = mail["parts"] as? [[String: Any]] ?? []
            #expect(parts.map { $0["type"] as? String } == ["text/plain", "text/html"])
            #expect((parts.first?["text"] as? String)?.contains("Please call Hillside Primary on 01632 960123") == true)

            let statuses = try await f.messages(unexplained)
            #expect(statuses.map(\.status) == ["sent", "sent"], "\(statuses)")
            #expect(!statuses.contains { $0.contact == "C-4" }, "no message to someone without parental responsibility")
            #expect(try await f.messages(explained).map(\.status) == ["cancelled_explained"])

            // The audit view: masked, scoped.
            let lead = try await TestIdentity.token([.schoolLead], subject: "lead-1", schools: [f.school])
            let view = try await f.get("/v1/messages?upn=\(unexplained)", token: lead)
            #expect(view.status == 200)
            let listed = view.json["messages"] as? [[String: Any]] ?? []
            #expect(Set(listed.compactMap { $0["to"] as? String }) == ["07*******56", "s***@f*****.example"], "\(listed)")
            #expect(listed.allSatisfy { (($0["steps"] as? [[String: Any]]) ?? []).map { $0["status"] as? String } == ["queued", "sending", "sent"] })
            let stranger = try await TestIdentity.token([.schoolLead], subject: "lead-2", schools: ["100001"])
            #expect(try await f.get("/v1/messages?upn=\(unexplained)", token: stranger).status == 404)

            // Notify's receipt: the phone took it.
            let smsID = try #require(sent.first?["id"] as? String)
            await f.standIn("/_standin/status", #"{"id": "\#(smsID)", "status": "delivered"}"#)
            #expect(try await f.eventually { try await f.messages(unexplained).contains { $0.channel == "sms" && $0.status == "delivered" } })
        }
    }

    @Test func tooLateInTheDayGoesToTheSchoolsMorningDigestInstead() async throws {
        try await NotificationFixture.with { f in
            try f.setClock("2026-12-01T18:30:00Z")
            try await f.startService()
            try await f.recordSchool()
            let upn = AccessFixture.upn(Int.random(in: 1...999_999))
            try await f.pupil(upn, forename: "Maya", contacts: [Self.mother("C-1", mobile: "07700 900321")])
            #expect(try await AccessFixture.waitFor("SELECT count(*) FROM contacts", f.postgres))
            try await f.signal(.firstDayAbsence, upn: upn, session: "2026-12-01 PM")
            #expect(try await f.eventually { try await f.messages(upn).first?.status == "cancelled_stale" })
            try await Task.sleep(for: .seconds(1))
            #expect(await f.notifySent().isEmpty, "no text message to a family after 18:00")

            try f.setClock("2026-12-02T07:20:00Z")
            try await Task.sleep(for: .seconds(1))
            #expect(f.mails().isEmpty, "the digest waits for 07:30")
            try f.setClock("2026-12-02T07:31:00Z")
            #expect(try await f.eventually { f.mails().count == 1 })
            try await Task.sleep(for: .seconds(1))
            #expect(f.mails().count == 1, "one digest per school per day")
            let mail = try #require(try await f.python("mime_check.py", f.mails().map(\.path)).first)
            #expect(mail["envelopeTo"] as? String == "attendance.lead@hillside.example")
            #expect(mail["subject"] as? String == "Hillside Primary: attendance digest for 2026-12-02")
            let text = (mail["parts"] as? [[String: Any]])?.first?["text"] as? String ?? ""
            #expect(text.contains("\(upn): unexplained absence 2026-12-01 PM; the family was not messaged (too late in the day)"), "\(text)")
            #expect(!text.contains("07700"), "no contact details in the digest")
        }
    }

    @Test func aSendCutOffByACrashIsLookedUpAtNotifyNotSentTwice() async throws {
        try await NotificationFixture.with { f in
            try f.setClock("2026-12-01T09:45:00Z")
            try await f.startService()
            try await f.recordSchool()
            let upn = AccessFixture.upn(Int.random(in: 1...999_999))
            try await f.pupil(upn, forename: "Kai", contacts: [Self.mother("C-1", mobile: "07700 900555")])
            #expect(try await AccessFixture.waitFor("SELECT count(*) FROM contacts", f.postgres))
            // Notify takes the message, then is slow to answer: the service is killed while it waits.
            await f.standIn("/_standin/delay", #"{"seconds": 6}"#)
            try await f.signal(.firstDayAbsence, upn: upn, session: "2026-12-01 AM")
            #expect(try await f.eventually { await f.notifySent().count == 1 })
            await f.killService()
            #expect(try await f.messages(upn).first?.status == "sending", "killed between the provider taking it and the answer")
            await f.standIn("/_standin/delay", #"{"seconds": 0}"#)

            // The send's lease (3 seconds here) has run out by the time the service is back.
            try f.setClock("2026-12-01T09:46:00Z")
            try await f.startService()
            #expect(try await f.eventually { try await f.messages(upn).first?.status == "sent" }, "\(f.serviceOutput)")
            try await Task.sleep(for: .seconds(1))
            #expect(await f.notifySent().count == 1, "the interrupted send was found at Notify by its reference, not sent again")
            let detail = try await AccessFixture.count(
                "SELECT count(*) FROM message_statuses WHERE status = 'sent' AND detail LIKE 'found at the provider%'", f.postgres)
            #expect(detail == 1)
        }
    }
}
