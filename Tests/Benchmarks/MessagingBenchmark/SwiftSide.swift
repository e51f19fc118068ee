import Foundation
import Logging
import Messaging

/// The Swift producer and consumer under test, configured like rdkafka_performance's run
/// (linger 5 ms, idempotence with acks=all).
struct SwiftSide {
    let options: Options
    let size: Int
    let logger: Logger
    let client: KafkaConfiguration

    init(options: Options, size: Int, logger: Logger) async throws {
        self.options = options
        self.size = size
        self.logger = logger
        self.client = KafkaConfiguration(bootstrapServers: options.bootstrap, clientID: "messaging-benchmark")
    }

    /// A new one-partition topic, as rdkafka_performance -p 0 writes to one partition.
    func freshTopic() async throws -> String {
        let name = "bench-\(size)-\(UUID().uuidString.prefix(8).lowercased())"
        _ = try await KafkaAdmin.createTopics([(name, 1)], configuration: client, logger: logger)
        return name
    }

    func delete(_ topic: String) async throws {
        try await KafkaAdmin.deleteTopics([topic], configuration: client, logger: logger)
    }

    /// Sends in batches of 10,000, up to 8 batches in flight, and stops the clock at the last acknowledgement.
    func produce(to topic: String) async throws -> Throughput {
        var configuration = KafkaProducerConfiguration(client: client)
        configuration.linger = .milliseconds(5)
        let producer = try KafkaProducer(configuration: configuration, logger: logger)
        let payload = [UInt8](repeating: 0x61, count: size)
        let batchSize = 10_000
        let batches = stride(from: 0, to: options.messages, by: batchSize).map { start in
            (start..<min(start + batchSize, options.messages)).map { index in
                KafkaOutgoingMessage(topic: topic, key: Array("1000\(index % 100)".utf8), value: payload)
            }
        }
        let clock = ContinuousClock()
        let started = clock.now
        let failures = try await withThrowingTaskGroup(of: Int.self) { group in
            var next = 0
            var failures = 0
            while next < min(8, batches.count) {
                let batch = batches[next]
                group.addTask { try await producer.send(batch).filter { if case .failure = $0 { true } else { false } }.count }
                next += 1
            }
            while let failed = try await group.next() {
                failures += failed
                if next < batches.count {
                    let batch = batches[next]
                    group.addTask { try await producer.send(batch).filter { if case .failure = $0 { true } else { false } }.count }
                    next += 1
                }
            }
            return failures
        }
        let seconds = Self.seconds(started.duration(to: clock.now))
        await producer.shutdown()
        if failures > 0 { throw UsageError(message: "\(failures) messages were not acknowledged") }
        return Throughput(messages: options.messages, bytes: options.messages * size, seconds: seconds)
    }

    /// Reads the topic from the start in a new group; the clock runs from the first message to the last.
    func consume(from topic: String) async throws -> Throughput {
        var configuration = KafkaConsumerConfiguration(client: client, groupID: "bench-\(UUID().uuidString.prefix(8))", topics: [topic])
        configuration.maxBatchSize = 10_000
        configuration.statisticsInterval = nil
        let consumer = try KafkaConsumer(configuration: configuration, logger: logger)
        let clock = ContinuousClock()
        var started: ContinuousClock.Instant?
        var received = 0, bytes = 0
        let deadline = clock.now.advanced(by: .seconds(120))
        while received < options.messages, clock.now < deadline {
            let batch = try await consumer.nextBatch()
            if started == nil, !batch.messages.isEmpty { started = clock.now }
            received += batch.messages.count
            for message in batch.messages { bytes += message.value.count }
        }
        let seconds = Self.seconds(started.map { $0.duration(to: clock.now) } ?? .zero)
        await consumer.close()
        guard received >= options.messages else { throw UsageError(message: "consumed only \(received) of \(options.messages)") }
        return Throughput(messages: received, bytes: bytes, seconds: seconds)
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}
