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
        }
    }

    @Test func anInvalidRosterIsRefusedWholeWithoutEchoingContactDetails() async throws {
        let school = RegisterEndpointTests.school()
        try await endpoints.withService { client, postgres, _ in
            let bad = ByteBuffer(string: """
                {"pupils": [{"upn": "A801200005001", "forename": "", "surname": "Ward", "dateOfBirth": "2015-02-30", "yearGroup": "7A",
                  "admissionDate": "2019-09-04", "leavingDate": "2018-01-01",
                  "contacts": [{"name": "Jo", "email": "jo-at-home", "preferredChannel": "pigeon"}]}]}
                """)
            let (status, body) = try await Self.put(client, school: school, bad)
            #expect(status == .unprocessableContent)
            for location in ["pupils[0].upn", "pupils[0].forename", "pupils[0].dateOfBirth", "pupils[0].yearGroup", "pupils[0].leavingDate",
                             "pupils[0].contacts[0].email", "pupils[0].contacts[0].preferredChannel"] {
                #expect(body.contains(#""location":"\#(location)""#), "\(location)")
            }
            #expect(!body.contains("jo-at-home"))
            #expect(try await RegisterEndpointTests.count("SELECT count(*) FROM pupils", postgres) == 0)
            #expect(try await Self.put(client, school: school, Self.roster(), token: "nope").0 == .unauthorized)
        }
    }
}
