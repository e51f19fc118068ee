import AsyncHTTPClient
import AttendanceDomain
import BenchmarkSupport
import Events
import Foundation
import Logging
import Messaging
import NIOCore
import NIOHTTP1

/// Posts registers to a release-built register-ingest over HTTP and waits for their events on
/// `attendance.marks`; prints marks/s end to end (first request to last event on the topic), the
/// request latency, and the CPU seconds spent by the service, PostgreSQL, the broker and this load
/// generator. Needs the local stack (`deploy/local/start`) and a release build:
///
///     swift build -c release && .build/release/ingest-benchmark [--small N] [--large N] [--concurrency C]
@main
struct IngestBenchmark {
    static func main() async {
        do {
            try await run(try Options(CommandLine.arguments.dropFirst()))
        } catch let error as UsageError {
            print("ingest-benchmark: \(error)")
            exit(64)
        } catch {
            print("ingest-benchmark failed: \(error)")
            exit(1)
        }
    }

    static func run(_ options: Options) async throws {
        var logger = Logger(label: "ingest-benchmark")
        logger.logLevel = .warning
        let stack = LocalStack()
        let http = HTTPClient(eventLoopGroupProvider: .singleton)
        let token = "bench-\(UUID().uuidString)"
        let schema = LocalStack.freshSchema("bench_ingest")
        let service = try await ServiceProcess(
            "register-ingest", port: ServiceProcess.freePort(),
            environment: stack.serviceEnvironment([
                "POSTGRES_SCHEMA": schema, "INGEST_CONNECTOR_TOKEN": token, "INGEST_CONSUMER_GROUP": "\(schema)-feed",
                "POSTGRES_POOL_SIZE": "\(options.concurrency + 2)", "INGEST_MAX_BODY_BYTES": "\(4 << 20)",
            ]),
            http: http)
        let meter = CPUMeter(groups: [
            .init("register-ingest", pids: [service.pid]), .init("PostgreSQL", commands: ["postgres"]),
            .init("broker", commands: ["tansu"]), .init("load generator", pids: [getpid()]),
        ])
        print("register-ingest (release) on 127.0.0.1:\(service.port), schema \(schema), \(options.concurrency) concurrent requests")
        print("")
        print("marks/register  registers  marks     marks/s   request latency                             CPU s: service  PostgreSQL  broker  generator")
        var seed: UInt64 = 1
        for (registers, size) in [(options.small, 30), (options.large, 2_000)] where registers > 0 {
            let load = RegisterLoad(registers: registers, marksEach: size, firstSchool: Int(seed) * 100)
            seed += 1
            let result = try await measure(load, service: service, token: token, concurrency: options.concurrency,
                                           stack: stack, meter: meter, http: http, logger: logger)
            print(result.line(size: size, registers: registers))
        }
        print("")
        print("marks/s: marks accepted ÷ seconds from the first request to the last event read back from attendance.marks.")
        await service.stop()
        try await http.shutdown()
        try await stack.dropSchemas([schema], logger: logger)
    }

    struct Result {
        var marks: Int
        var seconds: Double
        var latency: LatencySummary
        var cpu: [String: Double]

        func line(size: Int, registers: Int) -> String {
            let rate = Int(Double(marks) / seconds)
            func cell(_ text: String, _ width: Int) -> String { text.padding(toLength: width, withPad: " ", startingAt: 0) }
            func cpuSeconds(_ group: String) -> String { LatencySummary.format(cpu[group] ?? 0, decimals: 2) }
            return cell("\(size)", 16) + cell("\(registers)", 11) + cell("\(marks)", 10) + cell("\(rate)", 10) + cell(latency.description, 44)
                + cell(cpuSeconds("register-ingest"), 16) + cell(cpuSeconds("PostgreSQL"), 12) + cell(cpuSeconds("broker"), 8) + cpuSeconds("load generator")
        }
    }

    static func measure(_ load: RegisterLoad, service: ServiceProcess, token: String, concurrency: Int, stack: LocalStack,
                        meter: CPUMeter, http: HTTPClient, logger: Logger) async throws -> Result {
        var configuration = KafkaConsumerConfiguration(
            client: KafkaConfiguration(bootstrapServers: stack.bootstrapServers, clientID: "ingest-benchmark"),
            groupID: "ingest-benchmark-\(UUID())", topics: [TopicCatalogue.attendanceMarks.name])
        configuration.startFrom = "latest"
        configuration.statisticsInterval = nil
        let reader = try KafkaConsumer(configuration: configuration, logger: logger)
        while reader.assignment.isEmpty { _ = try await reader.nextBatch() }
        _ = try await reader.nextBatch()  // let the fetch positions settle at the end of each partition

        let bodies = try load.bodies()
        let before = meter.sample()
        let start = ContinuousClock.now
        let url = "http://127.0.0.1:\(service.port)/v1/registers"
        async let timings = HTTPLoad.post(bodies, to: url, token: token, concurrency: concurrency, http: http)
        var seen = 0
        let schools = load.schoolURNs
        let deadline = start.advanced(by: .seconds(600))
        while seen < load.totalMarks, ContinuousClock.now < deadline {
            for message in try await reader.nextBatch().messages {
                guard let event = try? EventCodec.decode(MarksRecorded.self, from: message.value), schools.contains(event.data.schoolUrn) else { continue }
                seen += event.data.marks.count
            }
        }
        let elapsed = start.duration(to: .now)
        let requestLatencies = try await timings.map(\.milliseconds)
        let after = meter.sample()
        await reader.close()
        guard seen == load.totalMarks else { throw UsageError("only \(seen) of \(load.totalMarks) marks reached attendance.marks within 600 s") }
        return Result(marks: seen, seconds: elapsed.seconds, latency: LatencySummary(requestLatencies), cpu: CPUMeter.difference(before, after))
    }
}
