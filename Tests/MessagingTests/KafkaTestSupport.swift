import Foundation
import Logging
@_spi(Testing) import Messaging
import TestSupport

/// Topics and groups of their own for each test, on the broker deploy/local/start runs.
enum KafkaTest {
    static var client: KafkaConfiguration {
        KafkaConfiguration(bootstrapServers: TestEnvironment.kafkaBootstrapServers, clientID: "messaging-tests")
    }

    static var logger: Logger { TestEnvironment.logger }

    static func uniqueName(_ prefix: String) -> String {
        "\(prefix)-\(UUID().uuidString.prefix(8).lowercased())"
    }

    static func createTopic(_ prefix: String, partitions: Int) async throws -> String {
        let name = uniqueName(prefix)
        _ = try await KafkaAdmin.createTopics([(name, partitions)], configuration: client, logger: logger)
        return name
    }

    static func producer(deliveryTimeout: Duration = .seconds(30), bootstrap: String? = nil) throws -> KafkaProducer {
        var configuration = KafkaProducerConfiguration(client: client)
        if let bootstrap { configuration.client.bootstrapServers = bootstrap }
        configuration.deliveryTimeout = deliveryTimeout
        return try KafkaProducer(configuration: configuration, logger: logger)
    }

    static func consumer(group: String, topics: [String], maxBatch: Int = 500, sessionTimeout: Duration = .seconds(6)) throws -> KafkaConsumer {
        var configuration = KafkaConsumerConfiguration(client: client, groupID: group, topics: topics)
        configuration.maxBatchSize = maxBatch
        configuration.sessionTimeout = sessionTimeout
        configuration.statisticsInterval = nil
        return try KafkaConsumer(configuration: configuration, logger: logger)
    }

    /// Polls until `until` says enough or `timeout` passes; commits each batch after handing it over.
    static func consume(
        _ consumer: KafkaConsumer, timeout: Duration = .seconds(60), commit: Bool = true,
        until done: ([KafkaMessage]) -> Bool
    ) async throws -> [KafkaMessage] {
        var received: [KafkaMessage] = []
        let deadline = ContinuousClock.now.advanced(by: timeout)
        while !done(received), ContinuousClock.now < deadline {
            let batch = try await consumer.nextBatch()
            received += batch.messages
            if commit { try await consumer.commit(batch) }
        }
        return received
    }
}

extension KafkaMessage {
    var text: String { String(decoding: value, as: UTF8.self) }
}
