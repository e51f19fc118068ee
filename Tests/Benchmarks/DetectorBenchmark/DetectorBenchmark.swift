import AsyncHTTPClient
import AttendanceDomain
import BenchmarkSupport
import Events
import Foundation
import Logging
import Messaging
import PostgresNIO
import Storage
import SyntheticLA

/// Feeds a large synthetic LA through `attendance.marks` into a release-built absence-detector and prints
/// (1) marks/s sustained with state committed (every batch's offsets in PostgreSQL), with the CPU split,
/// and (2) p50 and p99 latency from a register's publication to the publication of its signals on
/// `attendance.signals` at an offered load of 11,300 marks/s. Needs the local stack and a release build:
///
///     swift build -c release && .build/release/detector-benchmark [--pupils N] [--days D] [--peak-seconds S]
@main
struct DetectorBenchmark {
    static func main() async {
        do {
            try await run(try Options(CommandLine.arguments.dropFirst()))
        } catch let error as UsageError {
            print("detector-benchmark: \(error)")
            exit(64)
        } catch {
            print("detector-benchmark failed: \(String(reflecting: error))")
            exit(1)
        }
    }

    static func run(_ options: Options) async throws {
        var logger = Logger(label: "detector-benchmark")
        logger.logLevel = .warning
        let stack = LocalStack()
        let schema = LocalStack.freshSchema("bench_detector")
        let group = "\(schema)-group"
        let http = HTTPClient(eventLoopGroupProvider: .singleton)
        let detector = try await ServiceProcess(
            "absence-detector", port: ServiceProcess.freePort(),
            environment: stack.serviceEnvironment(["POSTGRES_SCHEMA": schema, "DETECTOR_CONSUMER_GROUP": group, "POSTGRES_POOL_SIZE": "4"]),
            http: http)
        let postgres = try stack.postgres(schema: schema, logger: logger)
        var producerConfiguration = KafkaProducerConfiguration(client: KafkaConfiguration(bootstrapServers: stack.bootstrapServers, clientID: "detector-benchmark"))
        producerConfiguration.statisticsInterval = nil
        let producer = try KafkaProducer(configuration: producerConfiguration, logger: logger)
        let meter = CPUMeter(groups: [
            .init("absence-detector", pids: [detector.pid]), .init("PostgreSQL", commands: ["postgres"]),
            .init("broker", commands: ["tansu"]), .init("load generator", pids: [getpid()]),
        ])
        let la = SyntheticLA(pupils: options.pupils, run: Int.random(in: 0..<90))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { await postgres.run() }
            defer { tasks.cancelAll() }
            let barrier = Barrier(producer: producer, postgres: postgres, group: group, logger: logger)
            print("absence-detector (release), schema \(schema); \(options.pupils) pupils in \(la.schools) schools, classes of \(SyntheticLA.classSize)")
            // Whatever the topic held before is read (and skipped or applied) first, outside the measurement.
            try await barrier.pass()

            // 1. Throughput: a half-term of registers as fast as the broker takes them.
            // Encoded beforehand, so that the measurement is the detector's, not this generator's JSON.
            let days = la.days(options.days)
            var generator = SeededRandom(seed: 42)
            var sessions: [[KafkaOutgoingMessage]] = []
            for day in days {
                for half in SessionHalf.allCases { sessions.append(try la.session(Session(date: day, half: half), generator: &generator)) }
            }
            let marks = la.pupils * sessions.count
            let before = meter.sample()
            let start = ContinuousClock.now
            for messages in sessions {
                for result in try await producer.send(messages) { _ = try result.get() }
            }
            sessions = []
            let produced = start.duration(to: .now)
            try await barrier.pass()
            let committed = start.duration(to: .now)
            try await barrier.drainOutbox()
            let published = start.duration(to: .now)
            let cpu = CPUMeter.difference(before, meter.sample())
            let signals = try await postgres.query("SELECT count(*) FROM signals", logger: logger).decode(Int.self).reduce(0, +)
            print("")
            print("throughput: \(marks) marks (\(days.count) school days × 2 sessions)")
            print("  state committed: \(LatencySummary.format(committed.seconds)) s, \(Int(Double(marks) / committed.seconds)) marks/s")
            print("  and the \(signals) signals published: \(LatencySummary.format(published.seconds)) s, \(Int(Double(marks) / published.seconds)) marks/s")
            print("  (the broker took the registers in \(LatencySummary.format(produced.seconds)) s: \(Int(Double(marks) / produced.seconds)) marks/s offered)")
            print("  CPU seconds: detector \(LatencySummary.format(cpu["absence-detector"] ?? 0)), PostgreSQL \(LatencySummary.format(cpu["PostgreSQL"] ?? 0)), broker \(LatencySummary.format(cpu["broker"] ?? 0)), generator \(LatencySummary.format(cpu["load generator"] ?? 0))")

            // 2. Latency at the morning peak, on the days after.
            let peakDays = la.days(options.days + 10).suffix(10)
            let latency = try await PeakLoad(la: la, producer: producer, stack: stack, logger: logger)
                .run(days: Array(peakDays), marksPerSecond: options.peakMarksPerSecond, seconds: options.peakSeconds, generator: &generator)
            print("")
            print("latency at \(options.peakMarksPerSecond) marks/s offered for \(options.peakSeconds) s (register published → its signals published):")
            print("  \(latency.summary.count) signals: \(latency.summary); offered \(Int(latency.offeredRate)) marks/s")
        }
        await producer.shutdown()
        await detector.stop()
        try await http.shutdown()
        try await stack.dropSchemas([schema], logger: logger)
    }
}
