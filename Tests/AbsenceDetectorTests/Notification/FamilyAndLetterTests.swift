import AsyncHTTPClient
@testable import MeetingScheduler
import Events
import Foundation
import NIOCore
import NIOHTTP1
import ServiceRuntime
import TestSupport
import Testing

/// Who gets what: statutory letters to each parent (a restricted one gets nothing), children looked after (carers, the
/// social worker and the virtual school; never the birth parents), translations (right to left, with an English line),
/// and an email cut off by a crash (sent again with the same Message-ID, and counted).
@Suite(.serialized, .timeLimit(.minutes(5))) struct FamilyAndLetterTests {
    static func parent(_ id: String, _ name: String, _ relationship: String, email: String? = nil, mobile: String? = nil, language: String? = nil,
                       restricted: Bool = false, address: [String]? = nil) -> PupilContact {
        PupilContact(contactId: id, name: name, relationship: relationship, parentalResponsibility: relationship != "social_worker", email: email, mobile: mobile,
                     preferredLanguage: language, preferredChannel: nil, contactRestricted: restricted, postalAddress: address)
    }

    @Test func aNoticeToImproveGoesByFirstClassPostToEachParentAndNotToARestrictedOne() async throws {
        try await NotificationFixture.with { f in
            try f.setClock("2026-12-01T11:00:00Z")
            try await f.startService()
            try await f.recordSchool()
            let upn = AccessFixture.upn(Int.random(in: 1...999_999))
            try await f.pupil(upn, forename: "Noor", contacts: [
                Self.parent("C-MUM", "Aisha Khan", "mother", email: "aisha.khan@family.example", language: "ur", address: ["12 Mill Lane", "Hilltown", "HT1 2AB"]),
                Self.parent("C-DAD", "Imran Khan", "father", address: ["12 Mill Lane", "Hilltown", "HT1 2AB"]),
                Self.parent("C-OTHER", "Omar Khan", "father", email: "omar@family.example", restricted: true, address: ["1 Court Street", "Hilltown", "HT5 6EF"]),
            ])
            #expect(try await AccessFixture.waitFor("SELECT count(*) FROM contacts", atLeast: 3, f.postgres))
            let request = NotificationRequested(requestId: "nti-1", caseId: "AP-2026-0001", schoolUrn: f.school, upn: upn, templateKey: "notice_to_improve",
                                                audience: .parent, statutory: true,
                                                fields: ["noticeId": "NTI-2026-0001", "weeks": "4", "periodStart": "2 December 2026", "periodEnd": "13 January 2027"])
            try await f.send(request, type: NotificationRequested.type, version: NotificationRequested.version, topic: TopicCatalogue.notificationRequests)
            #expect(try await f.eventually { await f.notifySent().count == 2 && f.mails().count == 1 }, "the service's log ends: \(f.serviceOutput.suffix(4000))")
            try await Task.sleep(for: .seconds(1))

            let letters = await f.notifySent()
            #expect(letters.count == 2 && letters.allSatisfy { $0["type"] as? String == "letter" && $0["postage"] as? String == "first" }, "\(letters)")
            let pdfs = try await f.python("pdf_text.py", letters.compactMap { $0["pdf"] as? String })
            #expect(pdfs.count == 2)
            let texts = pdfs.compactMap { $0["text"] as? String }
            #expect(texts.contains { $0.contains("Aisha Khan") && $0.contains("HT1 2AB") && $0.contains("Notice to Improve NTI-2026-0001") && $0.contains("قانونی") },
                    "the Urdu-speaking mother's letter: the translated cover, then the English legal text: \(texts)")
            #expect(texts.contains { $0.contains("Imran Khan") && $0.contains("HT1 2AB") }, "two parents at one address: a letter each")
            #expect(!texts.contains { $0.contains("Omar") || $0.contains("HT5 6EF") }, "nothing to the restricted contact")
            #expect(pdfs.allSatisfy { abs(($0["width"] as? Double ?? 0) - 595.3) < 1 && abs(($0["height"] as? Double ?? 0) - 841.9) < 1 }, "A4: \(pdfs.map { [$0["width"], $0["height"]] })")

            // The email copy, in Urdu: the translated cover, right to left, and the English legal text under it.
            let mail = try #require(try await f.python("mime_check.py", f.mails().map(\.path)).first)
            #expect(mail["envelopeTo"] as? String == "aisha.khan@family.example")
            #expect(mail["language"] as? String == "ur")
            let html = (mail["parts"] as? [[String: Any]])?.last?["text"] as? String ?? ""
            #expect(html.contains(#"<html lang="ur" dir="rtl">"#))
            #expect(html.contains(#"<p lang="en" dir="ltr">Notice to Improve NTI-2026-0001 to Aisha Khan"#), "\(html.prefix(600))")

            let statuses = try await f.messages(upn)
            #expect(statuses.filter { $0.contact == "C-OTHER" }.map(\.status) == ["suppressed_restricted"], "\(statuses)")
            #expect(statuses.filter { $0.status == "sent" }.count == 3)
            // Notify prints and posts one letter and refuses the other: the school is told to reach that parent another way.
            let textOfPDF = Dictionary(uniqueKeysWithValues: pdfs.map { ($0["file"] as? String ?? "", $0["text"] as? String ?? "") })
            let mumsLetter = try #require(letters.first { textOfPDF[$0["pdf"] as? String ?? ""]?.contains("Aisha Khan") == true }?["id"] as? String)
            let dadsLetter = try #require(letters.first { $0["id"] as? String != mumsLetter }?["id"] as? String)
            await f.standIn("/_standin/status", #"{"id": "\#(mumsLetter)", "status": "received"}"#)
            await f.standIn("/_standin/status", #"{"id": "\#(dadsLetter)", "status": "validation-failed"}"#)
            #expect(try await f.eventually {
                let letterStatuses = try await f.messages(upn).filter { $0.channel == "letter" && $0.contact != "C-OTHER" }
                return Set(letterStatuses.map { "\($0.contact ?? "")=\($0.status)" }) == ["C-MUM=posted", "C-DAD=failed"]
            })
            #expect(try await AccessFixture.count("SELECT count(*) FROM school_digest_items WHERE summary LIKE '%notice_to_improve could not be sent by letter%'", f.postgres) == 1)
            // Each status about the case is on its way to pathway-coordinator.
            #expect(try await AccessFixture.count("SELECT count(*) FROM outbox WHERE topic = 'notification.deliveries'", f.postgres) >= 4)
        }
    }

    @Test func aChildLookedAfterHasTheCarerToldAndTheSocialWorkerAndVirtualSchoolNeverTheBirthParent() async throws {
        try await NotificationFixture.with { f in
            try f.setClock("2026-12-01T10:00:00Z")
            try await f.startService()
            try await f.recordSchool()
            let upn = AccessFixture.upn(Int.random(in: 1...999_999))
            try await f.pupil(upn, forename: "Jay", lookedAfter: true, contacts: [
                Self.parent("C-BIRTH", "Kim Lee", "mother", mobile: "07700 900111"),
                Self.parent("C-CARER", "Pat Jones", "foster_carer", mobile: "07700 900222"),
                Self.parent("C-SW", "Alex Social", "social_worker", email: "alex.social@council.example"),
            ])
            #expect(try await AccessFixture.waitFor("SELECT count(*) FROM contacts", atLeast: 3, f.postgres))
            try await f.signal(.firstDayAbsence, upn: upn, session: "2026-12-01 AM")
            #expect(try await f.eventually { await f.notifySent().count == 1 && f.mails().count == 2 })
            try await Task.sleep(for: .seconds(1))
            #expect((await f.notifySent()).map { $0["phone_number"] as? String } == ["07700900222"], "the carer, not the birth parent")
            let mails = try await f.python("mime_check.py", f.mails().map(\.path))
            #expect(Set(mails.compactMap { $0["envelopeTo"] as? String }) == ["alex.social@council.example", "virtual.school@la.example"])
            #expect(mails.allSatisfy { ($0["subject"] as? String)?.hasPrefix("Same-day absence: pupil \(upn)") == true })
            #expect(try await f.messages(upn).filter { $0.contact == "C-BIRTH" }.map(\.status) == ["suppressed_looked_after"])
        }
    }

    @Test func anEmailCutOffByACrashIsSentAgainWithTheSameMessageIDAndCounted() async throws {
        try await NotificationFixture.with { f in
            try f.setClock("2026-12-01T10:00:00Z")
            try await f.startService()
            try await f.recordSchool()
            let upn = AccessFixture.upn(Int.random(in: 1...999_999))
            try await f.pupil(upn, forename: "Ana", contacts: [Self.parent("C-1", "Ioana Pop", "mother", email: "ioana@family.example", language: "ro-RO")])
            #expect(try await AccessFixture.waitFor("SELECT count(*) FROM contacts", f.postgres))
            // The SMTP server keeps the message, then is slow to say so: the service is killed while it waits.
            try Data("8".utf8).write(to: f.folder.appendingPathComponent("smtp-delay"))
            try await f.signal(.firstDayAbsence, upn: upn, session: "2026-12-01 AM")
            #expect(try await f.eventually { f.mails().count == 1 })
            await f.killService()
            try FileManager.default.removeItem(at: f.folder.appendingPathComponent("smtp-delay"))
            try f.setClock("2026-12-01T10:01:00Z") // the send's lease (3 seconds here) has run out
            try await f.startService()
            #expect(try await f.eventually { try await f.messages(upn).first?.status == "sent" }, "\(f.serviceOutput)")
            let mails = try await f.python("mime_check.py", f.mails().map(\.path))
            #expect(mails.count == 2, "SMTP cannot be asked: the email goes again")
            #expect(Set(mails.compactMap { $0["messageId"] as? String }).count == 1, "with the same Message-ID, so a mail client can tell")
            #expect(mails.first?["language"] as? String == "ro")
            let text = ((mails.first?["parts"] as? [[String: Any]])?.first?["text"] as? String) ?? ""
            #expect(text.contains("English: Ana was not in school today"), "\(text)")
            let body = await ServiceBinary.status(of: .init(url: "http://127.0.0.1:\(f.httpPort)/metrics")).map { String(decoding: $0.1, as: UTF8.self) } ?? ""
            #expect(body.contains(#"notification_possible_duplicates_total{channel="email"} 1"#), "\(body.split(separator: "\n").filter { $0.contains("notification") })")
        }
    }

    @Test func notifysOwnPythonClientTalksToTheStandIn() async throws {
        try await NotificationFixture.with { f in
            let process = Process()
            process.executableURL = URL(fileURLWithPath: f.python)
            process.arguments = [TestEnvironment.projectRoot.appendingPathComponent("Tests/Tools/notify/check_standin.py").path,
                                 "http://127.0.0.1:\(f.notifyPort)", NotificationFixture.apiKey]
            let output = f.folder.appendingPathComponent("check.out")
            _ = FileManager.default.createFile(atPath: output.path, contents: nil)
            process.standardOutput = try FileHandle(forWritingTo: output)
            process.standardError = try FileHandle(forWritingTo: output)
            try await ServiceBinary.runToEnd(process)
            #expect(process.terminationStatus == 0, "\((try? String(contentsOf: output, encoding: .utf8)) ?? "")")
        }
    }
}

/// A panel invitation with its calendar, a school holding a support message, and a request nobody can send.
@Suite(.serialized, .timeLimit(.minutes(5))) struct RequestedMessageTests {
    @Test func anInvitationCarriesItsCalendarAHeldMessageWaitsAndAnUnknownTemplateIsDeadLettered() async throws {
        try await NotificationFixture.with { f in
            try f.setClock("2026-12-01T10:00:00Z")
            try await f.startService()
            try await f.recordSchool()
            let upn = AccessFixture.upn(Int.random(in: 1...999_999))
            try await f.pupil(upn, forename: "Eli", contacts: [FamilyAndLetterTests.parent("C-1", "Ruth Adams", "mother", email: "ruth@family.example")])
            #expect(try await AccessFixture.waitFor("SELECT count(*) FROM contacts", f.postgres))

            // The invitation as meeting-scheduler writes it.
            let start = try Date("2026-12-08T09:30:00Z", strategy: .iso8601)
            let event = ICalendarWriter.Event(uid: "booking-1@la.example", sequence: 0, stamp: start.addingTimeInterval(-86_400 * 7), start: start,
                                              end: start.addingTimeInterval(1_800), summary: "AttendancePathway panel – case AP-2026-0001",
                                              url: "https://portal.la.example/cases/AP-2026-0001", cancelled: false,
                                              organizer: .init(role: "CHAIR", name: "AttendancePathway panel", email: "panel@la.example"),
                                              attendees: [.init(role: "CHAIR", name: "Chair", email: "chair@la.example")])
            let ics = ICalendarWriter(method: .request, calendarName: "AttendancePathway panel").document([event])
            let invitation = NotificationRequested(requestId: "booking-1-0-chair", caseId: "AP-2026-0001", schoolUrn: f.school, upn: upn,
                                                   templateKey: "panel_meeting_invitation", audience: .laOfficer,
                                                   fields: ["recipient": "chair-1", "email": "chair@la.example", "ics": ics, "method": "REQUEST", "caseId": "AP-2026-0001"])
            try await f.send(invitation, type: NotificationRequested.type, version: NotificationRequested.version, topic: TopicCatalogue.notificationRequests)
            var unknown = invitation
            unknown.requestId = "unknown-1"
            unknown.templateKey = "no_such_template"
            try await f.send(unknown, type: NotificationRequested.type, version: NotificationRequested.version, topic: TopicCatalogue.notificationRequests)
            try await f.signal(.persistentAbsence, upn: upn, session: "2026-12-01 AM", rate: 88)

            #expect(try await f.eventually { f.mails().count == 1 })
            let mail = try #require(try await f.python("mime_check.py", f.mails().map(\.path)).first)
            #expect(mail["envelopeTo"] as? String == "chair@la.example")
            #expect(mail["contentType"] as? String == "multipart/mixed")
            let attachment = try #require((mail["attachments"] as? [[String: Any]])?.first)
            #expect(attachment["type"] as? String == "text/calendar" && attachment["method"] as? String == "REQUEST")
            let calendar = try #require(try await ICalendarCheck.read([attachment["text"] as? String ?? ""]).first)
            #expect(calendar.problems.isEmpty, "\(calendar.problems)")
            #expect(calendar.events.map(\.uid) == ["booking-1@la.example"])

            // The support message waits for 16:00; the school holds it a day, with a reason.
            let queued = try await f.messages(upn).filter { $0.template == "attendance_support" }
            #expect(queued.map(\.status) == ["queued"], "\(queued)")
            let lead = try await TestIdentity.token([.schoolLead], subject: "lead-1", schools: [f.school])
            let listed = try await f.get("/v1/messages?upn=\(upn)", token: lead).json["messages"] as? [[String: Any]] ?? []
            let supportID = try #require(listed.first { $0["templateKey"] as? String == "attendance_support" }?["id"] as? Int)
            var hold = HTTPClientRequest(url: "http://127.0.0.1:\(f.httpPort)/v1/messages/\(supportID)/hold")
            hold.method = .POST
            hold.headers.add(name: "Authorization", value: "Bearer \(lead)")
            hold.body = .bytes(ByteBuffer(string: #"{"reason": "bereavement in the family this week"}"#))
            #expect(await ServiceBinary.status(of: hold)?.0 == 200)
            try f.setClock("2026-12-01T16:05:00Z")
            try await Task.sleep(for: .seconds(2))
            #expect(try await f.messages(upn).filter { $0.template == "attendance_support" }.map(\.status) == ["queued"], "held until tomorrow's batch")
            #expect(f.mails().count == 1)
            try f.setClock("2026-12-02T16:01:00Z")
            #expect(try await f.eventually { f.mails().count == 2 })
            let steps = try await AccessFixture.count("SELECT count(*) FROM message_statuses WHERE status = 'held_school_review' AND detail LIKE 'held a school day by lead-1: bereavement%'", f.postgres)
            #expect(steps == 1)

            let metrics = await ServiceBinary.status(of: HTTPClientRequest(url: "http://127.0.0.1:\(f.httpPort)/metrics")).map { String(decoding: $0.1, as: UTF8.self) } ?? ""
            #expect(metrics.contains(#"consumer_dead_letters_total{consumer="\#(f.schema)-group"} 1"#), "the unknown template went to the dead-letter topic")
            #expect(try await AccessFixture.count("SELECT count(*) FROM messages WHERE template_key = 'no_such_template'", f.postgres) == 0)
        }
    }
}
