import AsyncHTTPClient
import AttendanceDomain
import BenchmarkSupport
import Events
import Foundation
import Logging
import Messaging
import NIOCore
import PostgresNIO
import Storage
import SyntheticLA

/// The whole path in one run: a synthetic LA's registers posted over HTTP to a release-built register-ingest
/// → stored → `attendance.marks` → a release-built absence-detector → figures committed and signals published
/// on `attendance.signals`. Prints marks/s sustained, p50/p99 from a register's HTTP acceptance to the arrival
/// of its signals, the CPU split, and PostgreSQL's own COPY of the same marks (the floor) with the ratio.
/// Needs the local stack, best on a fresh broker (`deploy/local/stop && deploy/local/start`):
///
///     swift build -c release && .build/release/pipeline-benchmark [--schools N] [--pupils N] [--days D] [--concurrency C]
@main
struct PipelineBenchmark {
    static func main() async {
        do {
            try await run(try Options(CommandLine.arguments.dropFirst()))
        } catch let error as UsageError {
            print("pipeline-benchmark: \(error)")
            exit(64)
        } catch {
            print("pipeline-benchmark failed: \(String(reflecting: error))")
            exit(1)
        }
    }

    static func run(_ options: Options) async throws {
        var logger = Logger(label: "pipeline-benchmark")
        logger.logLevel = .warning
        let stack = LocalStack()
        if options.copyOnly { return try await copyOnly(options, stack: stack, logger: logger) }
        let http = HTTPClient(eventLoopGroupProvider: .singleton)
        let token = "bench-\(UUID().uuidString)"
        let ingestSchema = LocalStack.freshSchema("bench_pipe_ingest"), detectorSchema = LocalStack.freshSchema("bench_pipe_detect")
        let group = "\(detectorSchema)-group"
        let ingest = try await ServiceProcess("register-ingest", port: ServiceProcess.freePort(), environment: stack.serviceEnvironment([
            "POSTGRES_SCHEMA": ingestSchema, "INGEST_CONNECTOR_TOKEN": token, "INGEST_CONSUMER_GROUP": "\(ingestSchema)-feed",
            "POSTGRES_POOL_SIZE": "\(options.concurrency + 2)"]), http: http)
        let detector = try await ServiceProcess("absence-detector", port: ServiceProcess.freePort(), environment: stack.serviceEnvironment([
            "POSTGRES_SCHEMA": detectorSchema, "DETECTOR_CONSUMER_GROUP": group, "POSTGRES_POOL_SIZE": "4"]), http: http)
        let ingestDatabase = try stack.postgres(schema: ingestSchema, logger: logger)
        let detectorDatabase = try stack.postgres(schema: detectorSchema, logger: logger)
        var producerConfiguration = KafkaProducerConfiguration(client: KafkaConfiguration(bootstrapServers: stack.bootstrapServers, clientID: "pipeline-benchmark"))
        producerConfiguration.statisticsInterval = nil
        let producer = try KafkaProducer(configuration: producerConfiguration, logger: logger)
        let meter = CPUMeter(groups: [
            .init("register-ingest", pids: [ingest.pid]), .init("absence-detector", pids: [detector.pid]),
            .init("PostgreSQL", commands: ["postgres"]), .init("broker", commands: ["tansu"]), .init("load generator", pids: [getpid()]),
        ])

        let la = SyntheticLA(seed: options.seed, schoolCount: options.schools, pupilCount: options.pupils)
        let term = TermRegisters(la: la, calendar: TermCalendar.summer2026.prefix(schoolDays: options.days + options.latencyDays), seed: options.seed)
        // Registers at registration and late ones; no amendments, so every mark is a new session, as in the COPY.
        let throughputRegisters = term.days.prefix(options.days).flatMap { $0.onTime + $0.late }
        let latencyRegisters = term.days.dropFirst(options.days).flatMap { $0.onTime + $0.late }
        let marks = throughputRegisters.reduce(0) { $0 + $1.marks.count }
        print("register-ingest and absence-detector (release); seed \(options.seed): \(la.schools.count) schools, \(la.pupils.count) pupils; "
              + "\(options.days) school days, \(throughputRegisters.count) registers, \(marks) marks, as fast as \(options.concurrency) requests in flight go; "
              + "then \(options.latencyDays) more days at an offered load")

        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { await ingestDatabase.run() }
            tasks.addTask { await detectorDatabase.run() }
            defer { tasks.cancelAll() }
            let encoder = JSONEncoder()
            for school in la.schools {
                try await HTTPLoad.put(ByteBuffer(bytes: try encoder.encode(ConnectorDocuments.Roster(school: school, la: la))),
                                       to: "http://127.0.0.1:\(ingest.port)/v1/schools/\(school.urn)/pupils", token: token, http: http)
            }
            let barrier = Barrier(producer: producer, postgres: detectorDatabase, group: group, logger: logger)
            try await barrier.pass()  // whatever the topic held before is behind the detector before the clock starts

            // The rosters reach the detector (pupils.profiles) before anything is measured.
            try await Barrier.drainOutbox(ingestDatabase, logger: logger)
            while try await detectorDatabase.query("SELECT count(*) FROM pupil_profiles", logger: logger).decode(Int.self).reduce(0, +) < la.pupils.count {
                try await Task.sleep(for: .milliseconds(100))
            }
            _ = try? await ingestDatabase.query("CHECKPOINT", logger: logger)

            // 1. The floor, on a quiet machine; a checkpoint after it, so that its writes do not slow what follows.
            // Twice, keeping the faster: the floor is what PostgreSQL can do here, not a background hiccup.
            var copies: [Double] = []
            let quiet = meter.sample()
            for _ in 0..<2 {
                copies.append(try await CopyFloor.measure(throughputRegisters, postgres: ingestDatabase, logger: logger))
                // CHECKPOINT needs a superuser (the local stack has one); skipped otherwise.
                _ = try? await ingestDatabase.query("CHECKPOINT", logger: logger)
            }
            let copySeconds = copies.min()!
            let copyRate = Double(marks) / copySeconds
            print("")
            print("floor: PostgreSQL COPY of the same \(marks) marks into a table like register-ingest's marks: "
                  + "\(LatencySummary.format(copySeconds, decimals: 2)) s, \(Int(copyRate)) marks/s "
                  + "(the faster of \(copies.map { LatencySummary.format($0, decimals: 2) + " s" }.joined(separator: " and ")))")
            let copyCPU = CPUMeter.difference(quiet, meter.sample())
            print("  CPU seconds meanwhile: PostgreSQL \(LatencySummary.format(copyCPU["PostgreSQL"] ?? 0, decimals: 1)), the idle services "
                  + "\(LatencySummary.format((copyCPU["register-ingest"] ?? 0) + (copyCPU["absence-detector"] ?? 0), decimals: 1)), "
                  + "broker \(LatencySummary.format(copyCPU["broker"] ?? 0, decimals: 1))")

            // 2. Throughput: every register as fast as the service answers, until the last signal is published.
            let bodies = try throughputRegisters.map { ByteBuffer(bytes: try encoder.encode(ConnectorDocuments.Register($0))) }
            let before = meter.sample()
            let start = ContinuousClock.now
            _ = try await HTTPLoad.post(bodies, to: "http://127.0.0.1:\(ingest.port)/v1/registers", token: token, concurrency: options.concurrency, http: http)
            let accepted = start.duration(to: .now)
            try await Barrier.drainOutbox(ingestDatabase, logger: logger)
            let onTopic = start.duration(to: .now)
            try await barrier.pass()
            let committed = start.duration(to: .now)
            try await barrier.drainOutbox()
            let published = start.duration(to: .now)
            let cpu = CPUMeter.difference(before, meter.sample())
            let signals = try await detectorDatabase.query("SELECT count(*) FROM signals", logger: logger).decode(Int.self).reduce(0, +)
            let pipelineRate = Double(marks) / published.seconds
            func s(_ duration: Duration) -> String { LatencySummary.format(duration.seconds, decimals: 2) }
            func c(_ group: String) -> String { LatencySummary.format(cpu[group] ?? 0, decimals: 1) }
            print("")
            print("pipeline, HTTP → register-ingest → attendance.marks → absence-detector → attendance.signals:")
            print("  \(marks) marks accepted over HTTP in \(s(accepted)) s; all on attendance.marks at \(s(onTopic)) s; "
                  + "detector state committed at \(s(committed)) s; its \(signals) signals published at \(s(published)) s")
            print("  sustained: \(Int(pipelineRate)) marks/s (marks ÷ seconds from the first request to the last signal published)")
            print("  CPU seconds: register-ingest \(c("register-ingest")), absence-detector \(c("absence-detector")), PostgreSQL \(c("PostgreSQL")), "
                  + "broker \(c("broker")), load generator \(c("load generator")); "
                  + "\(LatencySummary.format(cpu.values.reduce(0, +) / published.seconds, decimals: 2)) cores busy on average")
            print("pipeline ÷ COPY: \(LatencySummary.format(pipelineRate / copyRate, decimals: 2))")
            print("England's school day (16.9 million marks) at the pipeline's rate: \(LatencySummary.format(16_900_000 / pipelineRate / 60, decimals: 1)) minutes")

            // 3. Latency: the next days offered at a share of that rate; each signal against its register's acceptance.
            let offered = options.latencyRate ?? Int(pipelineRate / 2)
            let latency = try await measureLatency(latencyRegisters, marksPerSecond: offered, ingestPort: ingest.port, token: token,
                                                   concurrency: options.concurrency, barrier: barrier, stack: stack, http: http, logger: logger)
            print("")
            print("latency at \(offered) marks/s offered (\(latency.marks) marks), register accepted over HTTP → its signal read from attendance.signals:")
            print("  \(latency.signals): \(latency.summary)")
            print("  request latency: \(latency.requests)")
        }
        await producer.shutdown()
        await detector.stop()
        await ingest.stop()
        try await http.shutdown()
        try await stack.dropSchemas([ingestSchema, detectorSchema], logger: logger)
    }

    struct Latency {
        var marks: Int
        var summary: LatencySummary
        var requests: LatencySummary
        var signals: String
    }

    static func measureLatency(_ registers: [TermRegisters.Register], marksPerSecond: Int, ingestPort: Int, token: String, concurrency: Int,
                               barrier: Barrier, stack: LocalStack, http: HTTPClient, logger: Logger) async throws -> Latency {
        let encoder = JSONEncoder()
        let bodies = try registers.map { ByteBuffer(bytes: try encoder.encode(ConnectorDocuments.Register($0))) }
        var schedule: [Duration] = [], offered = 0
        for register in registers {
            schedule.append(.milliseconds(offered * 1_000 / max(1, marksPerSecond)))
            offered += register.marks.count
        }
        let watch = try await SignalWatch(bootstrapServers: stack.bootstrapServers, clientID: "pipeline-benchmark", logger: logger)
        return try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await watch.run() }
            defer { watch.stop() }  // on an error too, so that the reader ends
            let timings = try await HTTPLoad.post(bodies, to: "http://127.0.0.1:\(ingestPort)/v1/registers", token: token,
                                                  concurrency: concurrency, http: http, schedule: schedule)
            try await barrier.pass()
            try await barrier.drainOutbox()
            try await Task.sleep(for: .seconds(1))  // the last signals on their way to the reader
            watch.stop()
            try await tasks.waitForAll()
            var acceptedAt: [String: ContinuousClock.Instant] = [:]
            for timing in timings {
                let register = registers[timing.index]
                acceptedAt["\(register.schoolUrn) \(register.date.iso) \(register.half.rawValue)"] = timing.accepted
            }
            let arrivals = watch.arrivals
            let latencies = arrivals.compactMap { arrival in
                acceptedAt["\(arrival.signal.schoolUrn) \(arrival.signal.asOf)"].map { $0.duration(to: arrival.at).seconds * 1_000 }
            }
            return Latency(marks: offered, summary: LatencySummary(latencies), requests: LatencySummary(timings.map(\.milliseconds)),
                           signals: "\(latencies.count) signals (of \(arrivals.count) read)")
        }
    }


    static func copyOnly(_ options: Options, stack: LocalStack, logger: Logger) async throws {
        let la = SyntheticLA(seed: options.seed, schoolCount: options.schools, pupilCount: options.pupils)
        let term = TermRegisters(la: la, calendar: TermCalendar.summer2026.prefix(schoolDays: options.days), seed: options.seed)
        let registers = term.days.flatMap { $0.onTime + $0.late }
        let marks = registers.reduce(0) { $0 + $1.marks.count }
        let database = try stack.postgres(schema: "public", logger: logger)
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { await database.run() }
            defer { tasks.cancelAll() }
            let seconds = try await CopyFloor.measure(registers, postgres: database, logger: logger)
            print("PostgreSQL COPY of \(marks) marks: \(LatencySummary.format(seconds, decimals: 2)) s, \(Int(Double(marks) / seconds)) marks/s")
        }
    }
}
