import Events
import Foundation
import Messaging
import NIOCore
import PostgresNIO
@testable import RegisterIngest
import TestSupport
import Testing

@Suite("Register documents streamed on mis.registers", .serialized, .timeLimit(.minutes(2)))
struct MisRegisterFeedTests {
    @Test func validRegistersAreStoredAndInvalidOnesGoToTheDeadLetterTopic() async throws {
        let good = RegisterEndpointTests.school(), bad = RegisterEndpointTests.school()
        let kafka = KafkaConfiguration(bootstrapServers: TestEnvironment.kafkaBootstrapServers, clientID: "feed-tests")
        let producer = try KafkaProducer(configuration: KafkaProducerConfiguration(client: kafka), logger: TestEnvironment.logger)
        try await RegisterEndpointTests().withService(extraEnvironment: ["INGEST_CONSUMER_GROUP": "feed-test-\(UUID())"]) { _, postgres, _ in
            for (school, code) in [(good, "/"), (bad, "H")] {
                let body = RegisterEndpointTests.register(school, marks: [(upn(1), code), (upn(2), "N")])
                try await producer.send(KafkaOutgoingMessage(topic: TopicCatalogue.misRegisters.name, key: school, value: Array(buffer: body)))
            }
            let deadline = ContinuousClock.now.advanced(by: .seconds(40))
            while try await RegisterEndpointTests.count("SELECT count(*) FROM marks WHERE school_urn = '\(good)'", postgres) < 2, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(200))
            }
            #expect(try await RegisterEndpointTests.count("SELECT count(*) FROM marks WHERE school_urn = '\(good)'", postgres) == 2)
            #expect(try await RegisterEndpointTests.count("SELECT count(*) FROM marks WHERE school_urn = '\(bad)'", postgres) == 0)
        }
        await producer.shutdown()

        var configuration = KafkaConsumerConfiguration(client: kafka, groupID: "dlq-reader-\(UUID())", topics: [DeadLetterQueue.topic(for: TopicCatalogue.misRegisters.name)])
        configuration.statisticsInterval = nil
        let reader = try KafkaConsumer(configuration: configuration, logger: TestEnvironment.logger)
        var letters: [KafkaMessage] = []
        let deadline = ContinuousClock.now.advanced(by: .seconds(30))
        while letters.isEmpty, ContinuousClock.now < deadline { letters += try await reader.nextBatch().messages.filter { $0.keyString == bad } }
        await reader.close()
        let letter = try #require(letters.first)
        let reason = try #require(letter.header(DeadLetterQueue.reasonHeader)?.stringValue)
        #expect(reason.contains(#""location":"marks[0].code""#))
        #expect(reason.contains("use C"))
        #expect(letter.header(DeadLetterQueue.topicHeader)?.stringValue == TopicCatalogue.misRegisters.name)
    }
}
