import Events
import Foundation
import Logging
import Messaging
import PostgresNIO
import ServiceLifecycle
import ServiceRuntime
import Storage

/// `absence-detector rebuild`: forgets the pupils' state and recomputes it from the first message of
/// `attendance.marks`, then exits. Run it with the service stopped. Signals already sent are not sent
/// again (their ids derive from what they say); the service then resumes after the rebuilt offsets.
enum RebuildCommand {
    @Sendable static func run(arguments: [String], environment: [String: String]) async throws {
        guard arguments.isEmpty else { throw CommandLineError(message: "usage: absence-detector rebuild") }
        let descriptor = AbsenceDetector.descriptor
        let configuration = try ServiceConfiguration(environment: environment, service: descriptor)
        let env = EnvironmentReader(environment)
        let settings = try DetectorSettings(environment: env)
        let group = env.string("DETECTOR_CONSUMER_GROUP", default: "absence-detector")
        var logger = Logger(label: "absence-detector.rebuild")
        logger.logLevel = configuration.logLevel
        let postgres = try configuration.postgres.makeClient(logger: logger)
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { await postgres.run() }
            defer { tasks.cancelAll() }
            try await SchemaMigrator(schema: configuration.postgres.schema, migrations: descriptor.migrations).apply(using: postgres, logger: logger)
            try await postgres.withTransaction(logger: logger) { connection in
                try await connection.query("TRUNCATE pupil_state, pupil_journeys", logger: logger)
                try await connection.query("DELETE FROM consumer_offsets WHERE consumer_group = \(group)", logger: logger)
                // Every event is applied again: the inbox must not skip them as seen.
                try await connection.query("DELETE FROM processed_events WHERE consumer = \(group)", logger: logger)
            }
            var consumerConfiguration = KafkaConsumerConfiguration(
                client: configuration.kafka, groupID: "\(group)-rebuild-\(UUID().uuidString.prefix(8))", topics: [TopicCatalogue.attendanceMarks.name])
            consumerConfiguration.maxBatchSize = 5_000
            consumerConfiguration.statisticsInterval = nil
            let started = ContinuousClock.now
            // Everything on the topic when it starts; what arrives later is the service's to read.
            var rebuild = BatchConsumer<MarksHandler>.Settings(name: group)
            rebuild.stopAtEnd = true
            let consumer = try BatchConsumer(
                configuration: consumerConfiguration, settings: rebuild, postgres: postgres,
                handler: MarksHandler(settings: settings, families: RosterIndex()), logger: logger)
            try await consumer.run()
            let rows = try await postgres.query("SELECT count(*), coalesce(sum(possible_sessions), 0) FROM pupil_state", logger: logger)
            for try await (pupils, possible) in rows.decode((Int, Int).self) {
                print("rebuilt \(pupils) pupils (\(possible) possible sessions this year) from attendance.marks in \(started.duration(to: .now))")
            }
        }
    }
}
