import Events
import Foundation
import Testing

@Suite("Event envelope and JSON codec")
struct EventCodecTests {
    struct Mark: Codable, Sendable, Equatable {
        var upn: String
        var session: String
    }

    @Test func anEnvelopeRoundTrips() throws {
        let envelope = EventEnvelope(type: "attendance.mark", schemaVersion: 1, source: "register-ingest", key: "100000",
                                     data: Mark(upn: "B801200005001", session: "AM"))
        let decoded = try EventCodec.decode(Mark.self, from: try EventCodec.encode(envelope))
        #expect(decoded.id == envelope.id)
        #expect(decoded.data == envelope.data)
        #expect(decoded.key == "100000" && decoded.type == "attendance.mark" && decoded.schemaVersion == 1)
        #expect(abs(decoded.time.timeIntervalSince(envelope.time)) < 1)
    }

    @Test func decodingErrorsNameTheFieldAndNeverTheContent() throws {
        let good = try EventCodec.encode(EventEnvelope(type: "t", schemaVersion: 1, source: "s", key: "k", data: Mark(upn: "B801200005001", session: "AM")))
        var object = try JSONSerialization.jsonObject(with: Data(good)) as! [String: Any]
        var data = object["data"] as! [String: Any]
        data.removeValue(forKey: "session")
        object["data"] = data
        let missing = Array(try JSONSerialization.data(withJSONObject: object))
        #expect(throws: EventDecodingError(reason: "missing field data.session")) { try EventCodec.decode(Mark.self, from: missing) }

        data["session"] = 7
        object["data"] = data
        let wrongType = Array(try JSONSerialization.data(withJSONObject: object))
        #expect(throws: EventDecodingError(reason: "field data.session: expected String")) { try EventCodec.decode(Mark.self, from: wrongType) }

        #expect(throws: EventDecodingError(reason: "not a JSON event")) { try EventCodec.decode(Mark.self, from: Array("B801200005001,AM".utf8)) }
    }

    @Test func everyTopicHasADeadLetterTopicAndOnlyRealServicesAsConsumers() {
        let services: Set<String> = ["register-ingest", "absence-detector", "pathway-coordinator", "notification", "meeting-scheduler"]
        for topic in TopicCatalogue.eventTopics {
            #expect(topic.partitions > 0)
            #expect(Set(topic.consumers).isSubset(of: services), "\(topic.name)")
            #expect(TopicCatalogue.allTopics.contains { $0.name == topic.deadLetterTopic })
        }
        // Contact details go to the notification service alone.
        #expect(TopicCatalogue.pupilContacts.consumers == ["notification"])
    }
}
