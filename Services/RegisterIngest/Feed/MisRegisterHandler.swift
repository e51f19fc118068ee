import AttendanceDomain
import Foundation
import Logging
import Messaging
import PostgresNIO
import ServiceRuntime

/// Takes the same register documents as `POST /v1/registers` from the `mis.registers` topic, for
/// connectors that stream. Valid registers are stored in the batch's transaction (idempotently, so
/// redelivery changes nothing); an invalid one goes to `mis.registers.dlq` with its errors, in the same
/// transaction, so a batch tried again dead-letters it once.
struct MisRegisterHandler: BatchHandler {
    let today: @Sendable () -> SchoolDate
    /// The schools of the batch in flight, recorded once its transaction commits.
    private var schools: Set<String> = []

    init(today: @escaping @Sendable () -> SchoolDate) {
        self.today = today
    }

    mutating func apply(_ messages: [KafkaMessage], in batch: inout ConsumedBatch, on connection: PostgresConnection) async throws {
        let validator = RegisterValidator(today: today())
        var registers: [ValidRegister] = []
        for message in messages {
            do {
                let document = try JSONDecoder().decode(RegisterDocument.self, from: Data(message.value))
                registers.append(try validator.validate(document))
            } catch let rejected as RegisterRejected {
                batch.deadLetter(message, reason: Self.reason(rejected.errors))
            } catch {
                batch.deadLetter(message, reason: "not a JSON register: \(RegisterRoutes.describe(error))")
            }
        }
        // Sessions locked in key order, whatever the batch's order: no deadlock with a resend or a PATCH.
        if !registers.isEmpty { _ = try await RegisterStore.record(registers, on: connection, logger: batch.logger) }
        schools = Set(registers.map(\.school.value))
    }

    mutating func committed() {
        RegisterMetrics.stored(schools: schools)
        schools = []
    }

    /// The errors as JSON, so a person (or a tool) reading the dead-letter topic sees each location and reason.
    static func reason(_ errors: [FieldError]) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return (try? String(decoding: encoder.encode(errors), as: UTF8.self)) ?? "invalid register"
    }
}
