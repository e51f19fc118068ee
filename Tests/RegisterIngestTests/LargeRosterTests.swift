import AttendanceDomain
import Events
import Foundation
import Hummingbird
import Messaging
import NIOCore
import PostgresNIO
@testable import RegisterIngest
import TestSupport
import Testing

/// A large secondary school's roster: before it was cut into events, its one event passed librdkafka's
/// 1 MB message limit and was never published.
@Suite("A roster of 5,000 pupils, published in full", .serialized, .timeLimit(.minutes(2)))
struct LargeRosterTests {
    static let pupils = 5_000

    /// A valid permanent UPN for LA 801, school 2000, with a five-digit serial.
    static func upn(_ serial: Int) -> String {
        let body = "8012000" + String(format: "%05d", serial)
        return String(UPN.checkLetter(for: Array(body))!) + body
    }

    static func roster() -> ByteBuffer {
        let pupils = (1...pupils).map { serial in
            """
            {"upn": "\(upn(serial))", "forename": "Forename\(serial)", "surname": "Surname\(serial)", "dateOfBirth": "2012-03-02",
             "yearGroup": "9", "admissionDate": "2023-09-04", "flags": {"freeSchoolMeals": true}, "familyId": "F\(serial)",
             "contacts": [
               {"name": "First Carer\(serial)", "relationship": "mother", "parentalResponsibility": true, "email": "carer\(serial)@example.org",
                "mobile": "07700 900123", "preferredLanguage": "en", "preferredChannel": "sms"},
               {"name": "Second Carer\(serial)", "relationship": "father", "parentalResponsibility": true, "email": "other\(serial)@example.org",
                "mobile": "07700 900456", "preferredLanguage": "en", "preferredChannel": "email"}]}
            """
        }
        return ByteBuffer(string: #"{"pupils": ["# + pupils.joined(separator: ",\n") + "]}")
    }

    @Test func everyPupilIsStoredAndPublishedOnceInMessagesUnderTheLimit() async throws {
        let school = RegisterEndpointTests.school()
        try await RegisterEndpointTests().withService { client, postgres, _ in
            let (status, body) = try await RosterEndpointTests.put(client, school: school, Self.roster())
            #expect(status == .ok, "\(body.prefix(300))")
            #expect(body.contains(#""profilesChanged":5000"#) && body.contains(#""contactsChanged":5000"#))
            #expect(try await RegisterEndpointTests.count("SELECT count(*) FROM pupils WHERE school_urn = '\(school)'", postgres) == Self.pupils)

            let deadline = ContinuousClock.now.advanced(by: .seconds(30))
            let unpublished = "SELECT count(*) FROM outbox WHERE message_key = '\(school)' AND published_at IS NULL"
            while try await RegisterEndpointTests.count(unpublished, postgres) > 0, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(100))
            }
            #expect(try await RegisterEndpointTests.count(unpublished, postgres) == 0)
            var eventIDs: Set<UUID> = []
            let rows = try await postgres.query("SELECT event_id FROM outbox WHERE message_key = \(school)", logger: TestEnvironment.logger)
            for try await id in rows.decode(UUID.self) { eventIDs.insert(id) }
            #expect(eventIDs.count >= 4, "profiles and contacts each in more than one event")
            try await Self.expectPublishedInFull(school: school, eventIDs: eventIDs)
        }
    }

    /// On the topics: exactly the roster's events, each under the broker's 1 MB, every pupil once on each.
    static func expectPublishedInFull(school: String, eventIDs: Set<UUID>) async throws {
        var configuration = KafkaConsumerConfiguration(
            client: KafkaConfiguration(bootstrapServers: TestEnvironment.kafkaBootstrapServers, clientID: "tests"),
            groupID: "roster-test-\(UUID())", topics: [TopicCatalogue.pupilProfiles.name, TopicCatalogue.pupilContacts.name])
        configuration.statisticsInterval = nil
        let consumer = try KafkaConsumer(configuration: configuration, logger: TestEnvironment.logger)
        var messages: [UUID: KafkaMessage] = [:]
        let deadline = ContinuousClock.now.advanced(by: .seconds(40))
        while messages.count < eventIDs.count, ContinuousClock.now < deadline {
            for message in try await consumer.nextBatch().messages where message.keyString == school {
                let id = try EventCodec.kind(of: message.value).id
                #expect(messages[id] == nil, "event \(id) published twice")
                messages[id] = message
            }
        }
        await consumer.close()
        #expect(Set(messages.keys) == eventIDs)

        var profiles: [String] = [], contacts: [String] = []
        for message in messages.values {
            #expect(message.value.count < 1_000_000)
            switch message.topic {
            case TopicCatalogue.pupilProfiles.name:
                profiles += try EventCodec.decode(PupilProfilesUpdated.self, from: message.value).data.pupils.map(\.upn)
            case TopicCatalogue.pupilContacts.name:
                let entries = try EventCodec.decode(PupilContactsUpdated.self, from: message.value).data.pupils
                #expect(entries.allSatisfy { $0.contacts.count == 2 })
                contacts += entries.map(\.upn)
            default:
                Issue.record("unexpected topic \(message.topic)")
            }
        }
        let expected = (1...pupils).map(upn).sorted()
        #expect(profiles.sorted() == expected)
        #expect(contacts.sorted() == expected)
    }
}
