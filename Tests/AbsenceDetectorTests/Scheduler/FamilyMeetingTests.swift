import AttendanceDomain
import Events
import Foundation
import Hummingbird
@testable import MeetingScheduler
import PostgresNIO
import ServiceRuntime
import TestSupport
import Testing

/// Family meetings on the real broker and PostgreSQL, with pathway-coordinator and notification running: the notice
/// and hours rules, a separate invitation to each parent with parental responsibility, one move at the family's request,
/// and the did-not-attend procedure reaching the case's record and the family's letters.
@Suite("family meetings", .serialized, .timeLimit(.minutes(4)))
struct FamilyMeetingTests {
    @Test func aFamilyMeetingIsArrangedMovedOnceMissedTwiceAndOnTheCasesRecord() async throws {
        try await PathwayHarness.with { pathway in
            let scheduler = pathway.services.others[2], notification = pathway.services.others[1]
            func call(_ method: HTTPRequest.Method, _ path: String, as token: String, _ body: String? = nil) async throws -> AccessFixture.Answer {
                try await AccessFixture.call(scheduler, method, path, token: token, body: body)
            }
            try await pathway.profile()
            let contacts = [
                PupilContact(contactId: "C-MUM", name: "Grace Okafor", relationship: "mother", parentalResponsibility: true, email: "grace@family.example",
                             mobile: nil, preferredLanguage: "ur", preferredChannel: "email"),
                PupilContact(contactId: "C-DAD", name: "Tunde Okafor", relationship: "father", parentalResponsibility: true, email: "tunde@family.example",
                             mobile: nil, preferredLanguage: "en", preferredChannel: "email"),
                PupilContact(contactId: "C-GRAN", name: "Ada Okafor", relationship: "grandmother", parentalResponsibility: false, email: "ada@family.example",
                             mobile: nil, preferredLanguage: "en", preferredChannel: "email"),
            ]
            try await pathway.send(PupilContactsUpdated(schoolUrn: pathway.school, pupils: [.init(upn: pathway.upn, contacts: contacts)]),
                                   type: PupilContactsUpdated.type, version: PupilContactsUpdated.version, topic: TopicCatalogue.pupilContacts, key: pathway.school)
            try await pathway.signal(.persistentAbsence)
            let caseID = try await pathway.caseID()
            let officer = try await pathway.officer()
            let rules = FamilyMeetingRules(settings: SchedulerSettings())
            let (receipt, earliest) = rules.earliest(today: .today)
            func arrangement(_ date: SchoolDate, starts: String = "10:00", kind: String = "contract", extra: String = "") -> String {
                #"{"caseId": "\#(caseID)", "upn": "\#(pathway.upn)", "schoolUrn": "\#(pathway.school)", "kind": "\#(kind)", "date": "\#(date.iso)", "starts": "\#(starts)", "language": "ur-PK", "staff": ["lead-1"]\#(extra)}"#
            }

            // The rules, each refusal naming its field.
            let early = try await call(.post, "/v1/family-meetings", as: officer, arrangement(WorkingCalendar().adding(workingDays: 1, to: receipt)))
            #expect(early.status == 422 && early.text.contains("date:") && early.text.contains(earliest.iso) && early.text.contains(receipt.iso), "\(early.text)")
            let late = try await call(.post, "/v1/family-meetings", as: officer, arrangement(earliest, starts: "14:30"))
            #expect(late.status == 422 && late.text.contains("starts:") && late.text.contains("09:00-15:00"), "\(late.text)")
            #expect(try await call(.post, "/v1/family-meetings", as: officer, arrangement(earliest, kind: "tsm")).text.contains("kind:"))
            let stranger = try await TestIdentity.token([.laOfficer], subject: "officer-9", schools: ["999999"])
            #expect(try await call(.post, "/v1/family-meetings", as: stranger, arrangement(earliest)).status == 404)
            #expect(try await call(.post, "/v1/family-meetings", as: try await TestIdentity.token([.schoolLead], subject: "lead-1", schools: [pathway.school]),
                                   arrangement(earliest)).status == 403)

            let arranged = try await call(.post, "/v1/family-meetings", as: officer, arrangement(earliest))
            #expect(arranged.status == 201 && arranged.json["interpreterLanguage"] as? String == "ur-PK" && arranged.json["upn"] == nil, "\(arranged.text)")
            let first = try #require(arranged.json["meetingId"] as? String)

            // The family's request went out once, for each parent with parental responsibility; each was planned separately.
            let messages = try await AccessFixture.until(notification, "/v1/messages?upn=\(pathway.upn)", token: officer) { answer in
                ((answer.json["messages"] as? [[String: Any]]) ?? []).filter { $0["templateKey"] as? String == "family_meeting_invitation" }.count >= 2
            }
            let invitations = ((messages.json["messages"] as? [[String: Any]]) ?? []).filter { $0["templateKey"] as? String == "family_meeting_invitation" }
            #expect(Set(invitations.compactMap { $0["contactId"] as? String }) == ["C-MUM", "C-DAD"], "\(messages.text)")

            // One move at the family's request, without notice; a second is refused; the LA's own move needs the notice.
            let sooner = WorkingCalendar().adding(workingDays: 1, to: .today)
            let moved = try await call(.post, "/v1/family-meetings/\(first)/move", as: officer,
                                       #"{"date": "\#(sooner.iso)", "starts": "13:00", "reason": "mother works mornings", "atFamilyRequest": true}"#)
            #expect(moved.status == 200 && moved.json["sequence"] as? Int == 1 && moved.json["familyMoves"] as? Int == 1, "\(moved.text)")
            let again = try await call(.post, "/v1/family-meetings/\(first)/move", as: officer,
                                       #"{"date": "\#(earliest.iso)", "starts": "11:00", "reason": "again", "atFamilyRequest": true}"#)
            #expect(again.status == 409 && again.text.contains("once"), "\(again.text)")
            let laMove = try await call(.post, "/v1/family-meetings/\(first)/move", as: officer,
                                        #"{"date": "\#(sooner.iso)", "starts": "11:00", "reason": "room", "atFamilyRequest": false}"#)
            #expect(laMove.status == 422 && laMove.text.contains("date:"), "\(laMove.text)")
            #expect(try await call(.post, "/v1/family-meetings/\(first)/attendance", as: officer, #"{"attended": false}"#).status == 409)  // not yet

            // The calendars: the staff's REQUEST (case reference, interpreter), the family's PUBLISH; both read by icalendar; no name.
            func meetingRequests(_ found: [[String: Any]]) -> [[String: Any]] { found.filter { ($0["templateKey"] as? String ?? "").contains("meeting") } }
            let meetingRequests = meetingRequests(try await pathway.published(TopicCatalogue.notificationRequests, type: NotificationRequested.type) {
                meetingRequests($0).count >= 6
            })
            let read = try await ICalendarCheck.read(meetingRequests.compactMap { ($0["fields"] as? [String: String])?["ics"] })
            #expect(read.count >= 6 && read.allSatisfy { $0.problems.isEmpty }, "\(read.flatMap(\.problems))")
            #expect(read.allSatisfy { !$0.text.contains("Amira") && !$0.text.contains("Okafor") && !$0.text.contains(pathway.upn) })
            #expect(read.contains { $0.method == "REQUEST" && $0.events.first?.summary.contains("case \(caseID)") == true && $0.events.first?.summary.contains("interpreter booked") == true })
            #expect(read.contains { $0.method == "PUBLISH" && $0.events.first?.sequence == 1 })
            let family = meetingRequests.filter { $0["audience"] as? String == "parent" }
            #expect(family.count == 2 && family.allSatisfy { $0["contactId"] == nil || $0["contactId"] is NSNull }, "one request each time, for every parent")
            #expect(Set(meetingRequests.filter { $0["audience"] as? String == "la_officer" }.compactMap { ($0["fields"] as? [String: String])?["recipient"] })
                    == ["officer-1", "lead-1"])

            // Missed: non-engagement on the record, a re-invitation; missed again: the "failed to attend" letter.
            try await Self.startInThePast(first, pathway)
            let missed = try await call(.post, "/v1/family-meetings/\(first)/attendance", as: officer, #"{"attended": false, "note": "no answer at the door"}"#)
            #expect(missed.status == 200 && missed.json["missed"] as? Int == 1 && (missed.json["next"] as? String ?? "").contains(first), "\(missed.text)")
            #expect(try await call(.post, "/v1/family-meetings/\(first)/attendance", as: officer, #"{"attended": true}"#).status == 409)
            let badStaff = try await call(.post, "/v1/family-meetings", as: officer, arrangement(earliest).replacingOccurrences(of: #""lead-1""#, with: #""x\r\nATTENDEE:mailto:spy@example.com""#))
            #expect(badStaff.status == 422 && badStaff.text.contains("staff[0]"), "\(badStaff.text)")
            let wrongFollow = try await call(.post, "/v1/family-meetings", as: officer, arrangement(earliest, extra: #", "follows": "\#(UUID().uuidString)""#))
            #expect(wrongFollow.status == 422 && wrongFollow.text.contains("follows:"))
            let second = try await call(.post, "/v1/family-meetings", as: officer, arrangement(earliest, extra: #", "follows": "\#(first)""#))
            #expect(second.status == 201, "\(second.text)")
            let secondID = try #require(second.json["meetingId"] as? String)
            try await Self.startInThePast(secondID, pathway)
            let missedAgain = try await call(.post, "/v1/family-meetings/\(secondID)/attendance", as: officer, #"{"attended": false}"#)
            #expect(missedAgain.json["missed"] as? Int == 2 && (missedAgain.json["next"] as? String ?? "").contains("failed to attend"), "\(missedAgain.text)")
            func failedToAttend(_ found: [[String: Any]]) -> [[String: Any]] { found.filter { $0["templateKey"] as? String == "family_meeting_failed_to_attend" } }
            let letters = failedToAttend(try await pathway.published(TopicCatalogue.notificationRequests, type: NotificationRequested.type) {
                !failedToAttend($0).isEmpty
            })
            #expect(letters.count == 1 && letters.first?["statutory"] as? Bool == true && letters.first?["audience"] as? String == "parent")

            let manager = try await pathway.manager("reader")
            let record = try await pathway.until("/v1/cases/\(caseID)/chronology", as: manager) { answer in
                ((answer.json["entries"] as? [[String: Any]]) ?? []).filter { ($0["summary"] as? String ?? "").contains("did not attend") }.count == 2
            }
            let entries = ((record.json["entries"] as? [[String: Any]]) ?? []).filter { $0["type"] as? String == "meeting" }
            #expect(entries.contains { ($0["summary"] as? String ?? "").contains("non-engagement") && $0["parentEngagement"] as? String == "no_response" }, "\(entries)")
            #expect(entries.contains { ($0["summary"] as? String ?? "").contains("\"failed to attend\" letter") })
            #expect(entries.contains { ($0["summary"] as? String ?? "").contains("moved") && ($0["summary"] as? String ?? "").contains("mother works mornings") })

            let listed = try await call(.get, "/v1/family-meetings?caseId=\(caseID)", as: officer)
            #expect(((listed.json["meetings"] as? [[String: Any]]) ?? []).map { $0["status"] as? String } == ["did_not_attend", "did_not_attend"], "\(listed.text)")
            #expect(((try await call(.get, "/v1/family-meetings?caseId=\(caseID)", as: stranger).json["meetings"] as? [Any]) ?? [1]).isEmpty)
        }
    }

    /// Moves a meeting's start to an hour ago, as if the day had come.
    static func startInThePast(_ meeting: String, _ pathway: PathwayHarness) async throws {
        let postgres = pathway.services.detectorPostgres
        let schema = try await SchedulerFixture.schema(postgres, table: "meetings", column: "meeting_id", value: meeting)
        try await postgres.query(PostgresQuery(unsafeSQL: """
            UPDATE "\(schema)".meetings SET starts_at = now() - interval '1 hour', ends_at = now() WHERE meeting_id = '\(meeting)'
            """), logger: TestEnvironment.logger)
    }
}
