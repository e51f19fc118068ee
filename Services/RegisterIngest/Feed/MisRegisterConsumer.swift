import AttendanceDomain
import Foundation
import Logging
import Messaging
import PostgresNIO
import ServiceLifecycle

/// Takes the same register documents as `POST /v1/registers` from the `mis.registers` topic, for
/// connectors that stream. A valid register is stored (idempotently, so redelivery changes nothing); an
/// invalid one goes to `mis.registers.dlq` with its errors. Offsets are committed only after the batch's
/// registers are stored and its refusals dead-lettered.
///
/// Shutdown: finishes the batch in hand, commits, and leaves the group.
final class MisRegisterConsumer: Service, Sendable {
    private let consumer: KafkaConsumer
    private let deadLetters: DeadLetterQueue
    private let postgres: PostgresClient
    private let logger: Logger
    private let today: @Sendable () -> SchoolDate

    init(consumer: KafkaConsumer, deadLetters: DeadLetterQueue, postgres: PostgresClient, logger: Logger, today: @escaping @Sendable () -> SchoolDate) {
        self.consumer = consumer
        self.deadLetters = deadLetters
        self.postgres = postgres
        self.logger = logger
        self.today = today
    }

    func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            let batch = try await consumer.nextBatch()
            guard !batch.messages.isEmpty else { continue }
            // Retry the batch until it is stored (nothing is committed past a failure), or until shutdown:
            // then it is not committed and is delivered again, which storing idempotently makes harmless.
            var stored = false
            while !stored && !Task.isShuttingDownGracefully && !Task.isCancelled {
                do {
                    try await process(batch.messages)
                    stored = true
                } catch let error as KafkaError where error.isFatal {
                    throw error
                } catch {
                    logger.warning("mis.registers batch not stored yet; retrying", metadata: ["error": "\(String(reflecting: error))"])
                    try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(1)) }
                }
            }
            guard stored else { break }
            do {
                try await consumer.commit(batch)
            } catch let error where error.isFatal {
                throw error
            } catch {
                // A rebalance took the partitions away: their next owner gets the batch again.
                logger.info("mis.registers commit refused; the batch will be delivered again", metadata: ["error": "\(error)"])
            }
        }
        await consumer.close()
    }

    func process(_ messages: [KafkaMessage]) async throws {
        let validator = RegisterValidator(today: today())
        var registers: [ValidRegister] = []
        for message in messages {
            do {
                let document = try JSONDecoder().decode(RegisterDocument.self, from: Data(message.value))
                registers.append(try validator.validate(document))
            } catch let rejected as RegisterRejected {
                try await deadLetters.publish(message, reason: Self.reason(rejected.errors))
            } catch {
                try await deadLetters.publish(message, reason: "not a JSON register: \(RegisterRoutes.describe(error))")
            }
        }
        guard !registers.isEmpty else { return }
        let logger = self.logger
        try await postgres.withTransaction(logger: logger) { connection in
            _ = try await RegisterStore.record(registers, on: connection, logger: logger)
        }
    }

    /// The errors as JSON, so a person (or a tool) reading the dead-letter topic sees each location and reason.
    static func reason(_ errors: [FieldError]) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return (try? String(decoding: encoder.encode(errors), as: UTF8.self)) ?? "invalid register"
    }
}
