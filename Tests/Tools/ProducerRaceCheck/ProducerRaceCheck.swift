import Foundation
import Logging
import Messaging

/// `producer-race-check`: a producer shut down while 100,000 sends are in flight, built and run under the
/// thread sanitizer by `deploy/local/test-tsan` (the whole test suite under TSan would take a cold build of
/// every dependency; this links Messaging alone). Exits 0 when every send was answered once and no batch
/// still waits; the sanitizer makes any data race exit non-zero.
@main
struct ProducerRaceCheck {
    static func main() async throws {
        var logger = Logger(label: "producer-race-check")
        logger.logLevel = .warning
        let bootstrap = ProcessInfo.processInfo.environment["KAFKA_BOOTSTRAP_SERVERS"] ?? "127.0.0.1:19092"
        let client = KafkaConfiguration(bootstrapServers: bootstrap, clientID: "producer-race-check")
        let topic = "race-check-\(UUID().uuidString.prefix(8).lowercased())"
        _ = try await KafkaAdmin.createTopics([(topic, 4)], configuration: client, logger: logger)
        for round in 1...3 {
            let total = try await shutDownInFlight(topic: topic, client: client, after: .milliseconds(60 / round), logger: logger)
            guard total == 100_000 else {
                print("producer-race-check: round \(round): \(total) of 100000 sends answered")
                exit(1)
            }
        }
        _ = try? await KafkaAdmin.deleteTopics([topic], configuration: client, logger: logger)
        print("producer-race-check: 3 rounds of 100,000 sends shut down in flight; every send answered once")
    }

    /// 100 senders of 1,000 messages each; the producer shut down `after` they started. Returns how many
    /// sends were answered (acknowledged or failed).
    nonisolated static func shutDownInFlight(topic: String, client: KafkaConfiguration, after delay: Duration, logger: Logger) async throws -> Int {
        let producer = try KafkaProducer(configuration: KafkaProducerConfiguration(client: client), logger: logger)
        return try await withThrowingTaskGroup(of: Int.self) { group in
            for sender in 0..<100 {
                group.addTask {
                    let messages = (0..<1_000).map { KafkaOutgoingMessage(topic: topic, key: "\(sender)", value: Array("m\($0)".utf8)) }
                    return (try? await producer.send(messages).count) ?? messages.count
                }
            }
            try await Task.sleep(for: delay)
            await producer.shutdown()
            var answered = 0
            for try await count in group { answered += count }
            return answered
        }
    }
}
