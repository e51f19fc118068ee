import AttendanceDomain
import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import PostgresNIO
@testable import RegisterIngest
import TestSupport
import Testing

@Suite("PUT /v1/schools/{urn}/pupils against the real PostgreSQL", .serialized, .timeLimit(.minutes(2)))
struct RosterEndpointTests {
    let endpoints = RegisterEndpointTests()

    static func roster(senSupport: Bool = false, email: String = "parent@example.org") -> ByteBuffer {
        ByteBuffer(string: """
            {"pupils": [
              {"upn": "\(upn(1))", "forename": "Amelia", "surname": "Ward", "dateOfBirth": "2015-03-02", "yearGroup": "6",
               "admissionDate": "2019-09-04", "flags": {"senSupport": \(senSupport), "freeSchoolMeals": true}, "familyId": "F1",
               "contacts": [{"name": "Jo Ward", "relationship": "mother", "parentalResponsibility": true, "email": "\(email)",
                             "mobile": "07700 900123", "preferredLanguage": "en", "preferredChannel": "sms"}]},
              {"upn": "\(upn(2))", "forename": "Sam", "surname": "Ward", "dateOfBirth": "2018-11-20", "yearGroup": "3",
               "admissionDate": "2022-09-05", "familyId": "F1"}
            ]}
            """)
    }

    static func put(_ client: some TestClientProtocol, school: String, _ body: ByteBuffer, token: String = RegisterEndpointTests.token) async throws -> (HTTPResponse.Status, String) {
        try await client.execute(uri: "/v1/schools/\(school)/pupils", method: .put,
                                 headers: [.contentType: "application/json", .authorization: "Bearer \(token)"], body: body) { response in
            (response.status, String(buffer: response.body))
        }
    }

    @Test func aRosterIsStoredAndOnlyChangesArePublished() async throws {
        let school = RegisterEndpointTests.school()
        try await endpoints.withService { client, postgres, _ in
            let first = try await Self.put(client, school: school, Self.roster())
            #expect(first.0 == .ok, "\(first.1)")
            #expect(first.1.contains(#""profilesChanged":2"#) && first.1.contains(#""contactsChanged":2"#))
            let again = try await Self.put(client, school: school, Self.roster())
            #expect(again.1.contains(#""profilesChanged":0"#) && again.1.contains(#""contactsChanged":0"#))
            let flagged = try await Self.put(client, school: school, Self.roster(senSupport: true))
            #expect(flagged.1.contains(#""profilesChanged":1"#) && flagged.1.contains(#""contactsChanged":0"#))
            #expect(try await RegisterEndpointTests.count("SELECT count(*) FROM outbox WHERE topic = 'pupils.profiles' AND message_key = '\(school)'", postgres) == 2)
            #expect(try await RegisterEndpointTests.count("SELECT count(*) FROM outbox WHERE topic = 'pupils.contacts' AND message_key = '\(school)'", postgres) == 1)
            // Contact details go to pupils.contacts only, never into the profiles.
            #expect(try await RegisterEndpointTests.count(
                "SELECT count(*) FROM outbox WHERE topic = 'pupils.profiles' AND convert_from(payload, 'UTF8') LIKE '%example.org%'", postgres) == 0)

            // A register naming a pupil the roster does not list is accepted, and the answer names the pupil.
            let (status, body) = try await RegisterEndpointTests.post(client, RegisterEndpointTests.register(school, marks: [(upn(1), "/"), (upn(9), "/")]))
            #expect(status == .ok)
            #expect(body["unknownPupils"] as? [String] == [upn(9)])
            // Listed for the school, with the dates and the count of the marks.
            let listed = try await client.execute(uri: "/v1/schools/\(school)/unknown-pupils", method: .get,
                                                  headers: [.authorization: "Bearer \(RegisterEndpointTests.token)"]) { String(buffer: $0.body) }
            #expect(listed.contains(#""upn":"\#(upn(9))""#) && listed.contains(#""marks":1"#) && !listed.contains(upn(1)), "\(listed)")
        }
    }

    @Test func anInvalidRosterIsRefusedWholeWithoutEchoingContactDetails() async throws {
        let school = RegisterEndpointTests.school()
        try await endpoints.withService { client, postgres, _ in
            let bad = ByteBuffer(string: """
                {"pupils": [{"upn": "A801200005001", "forename": "", "surname": "Ward", "dateOfBirth": "2015-02-30", "yearGroup": "7A",
                  "admissionDate": "2019-09-04", "leavingDate": "2018-01-01",
                  "contacts": [{"name": "Jo", "email": "jo-at-home", "preferredChannel": "pigeon"},
                               {"name": "Al", "email": "al@home.example\\r\\nBcc: x@y.example",
                                "postalAddress": ["1 Long Road", "Flat 2", "Block C", "Estate", "Town", "County", "LN1 1AA"]}]}]}
                """)
            let (status, body) = try await Self.put(client, school: school, bad)
            #expect(status == .unprocessableContent)
            for location in ["pupils[0].upn", "pupils[0].forename", "pupils[0].dateOfBirth", "pupils[0].yearGroup", "pupils[0].leavingDate",
                             "pupils[0].contacts[0].email", "pupils[0].contacts[0].preferredChannel",
                             "pupils[0].contacts[1].email", "pupils[0].contacts[1].postalAddress"] {
                #expect(body.contains(#""location":"\#(location)""#), "\(location)")
            }
            #expect(!body.contains("jo-at-home") && !body.contains("Long Road") && !body.contains("Bcc"))
            #expect(try await RegisterEndpointTests.count("SELECT count(*) FROM pupils", postgres) == 0)
            #expect(try await Self.put(client, school: school, Self.roster(), token: "nope").0 == .unauthorized)
        }
    }

    @Test func rosterVersion2CarriesParentsWithoutContactDetailsAndAPupilLeftOutIsALeaver() async throws {
        let school = RegisterEndpointTests.school()
        let roster = ByteBuffer(string: """
            {"pupils": [
              {"upn": "\(upn(1))", "forename": "Amelia", "surname": "Ward", "dateOfBirth": "2015-03-02", "yearGroup": "6", "admissionDate": "2019-09-04",
               "contacts": [{"contactId": "C-77", "name": "Jo Ward", "relationship": "mother", "parentalResponsibility": true, "livesWithPupil": true,
                             "email": "jo@example.org", "preferredChannel": "email"},
                            {"contactId": "C-78", "name": "Sam Ward", "relationship": "father", "parentalResponsibility": true, "livesWithPupil": false,
                             "contactRestricted": true, "mobile": "07700 900111"}]},
              {"upn": "\(upn(2))", "forename": "Sam", "surname": "Ward", "dateOfBirth": "2018-11-20", "yearGroup": "3", "admissionDate": "2022-09-05",
               "contacts": [{"contactId": "C-77", "name": "Jo Ward", "relationship": "mother", "parentalResponsibility": true}]}
            ]}
            """)
        try await endpoints.withService { client, postgres, _ in
            let stored = try await Self.put(client, school: school, roster)
            #expect(stored.0 == .ok, "\(stored.1)")
            func payloads(_ topic: String) async throws -> [[String: Any]] {
                let rows = try await postgres.query("""
                    SELECT convert_from(payload, 'UTF8') FROM outbox WHERE topic = \(topic) AND message_key = \(school) ORDER BY id
                    """, logger: TestEnvironment.logger)
                var found: [[String: Any]] = []
                for try await text in rows.decode(String.self) {
                    let envelope = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
                    #expect(envelope["schemaVersion"] as? Int == 2)
                    found += ((envelope["data"] as? [String: Any])?["pupils"] as? [[String: Any]]) ?? []
                }
                return found
            }
            let profiles = try await payloads("pupils.profiles")
            let parents = try #require(profiles.first { $0["upn"] as? String == upn(1) }?["parents"] as? [[String: Any]])
            #expect(parents.map { $0["contactId"] as? String } == ["C-77", "C-78"])
            #expect(parents.last?["contactRestricted"] as? Bool == true && parents.first?["livesWithPupil"] as? Bool == true)
            // The same parent of two children: one contact id on both.
            #expect((profiles.first { $0["upn"] as? String == upn(2) }?["parents"] as? [[String: Any]])?.first?["contactId"] as? String == "C-77")
            // No name, email or phone on pupils.profiles; the contacts event carries them with the same ids.
            let profileText = try await RegisterEndpointTests.count(
                "SELECT count(*) FROM outbox WHERE topic = 'pupils.profiles' AND (convert_from(payload, 'UTF8') LIKE '%Jo Ward%' OR convert_from(payload, 'UTF8') LIKE '%07700%')", postgres)
            #expect(profileText == 0)
            let contacts = try await payloads("pupils.contacts")
            let restricted = try #require((contacts.first { $0["upn"] as? String == upn(1) }?["contacts"] as? [[String: Any]])?.last)
            #expect(restricted["contactId"] as? String == "C-78" && restricted["contactRestricted"] as? Bool == true)

            // A roster without "complete" leaves pupils out without a word: they are kept as they are.
            let partial = ByteBuffer(string: """
                {"pupils": [{"upn": "\(upn(1))", "forename": "Amelia", "surname": "Ward", "dateOfBirth": "2015-03-02", "yearGroup": "6", "admissionDate": "2019-09-04",
                  "contacts": [{"contactId": "C-77", "name": "Jo Ward", "relationship": "mother", "parentalResponsibility": true, "livesWithPupil": true,
                                "email": "jo@example.org", "preferredChannel": "email"},
                               {"contactId": "C-78", "name": "Sam Ward", "relationship": "father", "parentalResponsibility": true, "livesWithPupil": false,
                                "contactRestricted": true, "mobile": "07700 900111"}]}]}
                """)
            #expect(try await Self.put(client, school: school, partial).1.contains(#""leavers":0"#))
            // The whole roll ("complete") leaves out pupil 2: a leaver from today, published so, still stored.
            let next = ByteBuffer(string: """
                {"complete": true, "pupils": [{"upn": "\(upn(1))", "forename": "Amelia", "surname": "Ward", "dateOfBirth": "2015-03-02", "yearGroup": "6", "admissionDate": "2019-09-04",
                  "contacts": [{"contactId": "C-77", "name": "Jo Ward", "relationship": "mother", "parentalResponsibility": true, "livesWithPupil": true,
                                "email": "jo@example.org", "preferredChannel": "email"},
                               {"contactId": "C-78", "name": "Sam Ward", "relationship": "father", "parentalResponsibility": true, "livesWithPupil": false,
                                "contactRestricted": true, "mobile": "07700 900111"}]}]}
                """)
            let second = try await Self.put(client, school: school, next)
            #expect(second.0 == .ok && second.1.contains(#""leavers":1"#) && second.1.contains(#""profilesChanged":0"#), "\(second.1)")
            let left = try await payloads("pupils.profiles").filter { $0["upn"] as? String == upn(2) }
            #expect(left.count == 2 && left.last?["leavingDate"] as? String == SchoolDate.today(inTimeZone: "Europe/London").iso)
            #expect(try await RegisterEndpointTests.count("SELECT count(*) FROM pupils WHERE school_urn = '\(school)'", postgres) == 2)
            // Sent again without pupil 2: already a leaver, nothing to publish.
            #expect(try await Self.put(client, school: school, next).1.contains(#""leavers":0"#))

            // One contact id twice for a pupil is refused, naming the place.
            let twice = ByteBuffer(string: """
                {"pupils": [{"upn": "\(upn(3))", "forename": "Kai", "surname": "Ward", "dateOfBirth": "2016-01-01", "yearGroup": "5", "admissionDate": "2020-09-01",
                  "contacts": [{"contactId": "C-9", "name": "A"}, {"contactId": "C-9", "name": "B"}]}]}
                """)
            let refused = try await Self.put(client, school: school, twice)
            #expect(refused.0 == .unprocessableContent && refused.1.contains("pupils[0].contacts[1].contactId"))
        }
    }
}
