import Foundation
import Logging
import Messaging

/// Produces and consumes N messages of 100 bytes and of 1 KiB through Shared/Messaging on the local
/// broker, runs librdkafka's own rdkafka_performance with the same sizes against the same broker, and
/// prints messages/s, MB/s and the ratio Swift ÷ C. Run it release-built:
///
///     swift run -c release messaging-benchmark [--messages N] [--runs R] [--bootstrap host:port]
@main
struct MessagingBenchmark {
    static func main() async throws {
        let options = try Options(CommandLine.arguments.dropFirst())
        var logger = Logger(label: "messaging-benchmark")
        logger.logLevel = .warning
        print("librdkafka \(KafkaVersion.librdkafka), broker \(options.bootstrap), \(options.messages) messages per run, median of \(options.runs) runs")
        let performance = RdKafkaPerformance.locate()
        if performance == nil { print("rdkafka_performance not found: the C column stays empty (deploy/local/setup builds it)") }

        var rows: [ResultRow] = []
        for size in [100, 1024] {
            let swift = try await SwiftSide(options: options, size: size, logger: logger)
            var produce: [Throughput] = [], consume: [Throughput] = []
            var cProduce: [Throughput] = [], cConsume: [Throughput] = []
            for _ in 0..<options.runs {
                let topic = try await swift.freshTopic()
                produce.append(try await swift.produce(to: topic))
                consume.append(try await swift.consume(from: topic))
                try await swift.delete(topic)  // the local broker keeps everything in memory
                if let performance {
                    let cTopic = try await swift.freshTopic()
                    cProduce.append(try performance.produce(topic: cTopic, size: size, count: options.messages, bootstrap: options.bootstrap))
                    cConsume.append(try performance.consume(topic: cTopic, count: options.messages, bootstrap: options.bootstrap))
                    try await swift.delete(cTopic)
                }
            }
            rows.append(ResultRow(size: size, side: "produce", swift: .median(produce), c: cProduce.isEmpty ? nil : .median(cProduce)))
            rows.append(ResultRow(size: size, side: "consume", swift: .median(consume), c: cConsume.isEmpty ? nil : .median(cConsume)))
        }
        ResultRow.printTable(rows)
    }
}

struct Options {
    var messages = 200_000
    var runs = 3
    var bootstrap = ProcessInfo.processInfo.environment["KAFKA_BOOTSTRAP_SERVERS"] ?? "127.0.0.1:19092"

    init(_ arguments: ArraySlice<String>) throws {
        var rest = arguments
        while let flag = rest.popFirst() {
            guard let value = rest.popFirst() else { throw UsageError(message: "\(flag) needs a value") }
            switch flag {
            case "--messages": messages = try Self.positive(value, flag)
            case "--runs": runs = try Self.positive(value, flag)
            case "--bootstrap": bootstrap = value
            default: throw UsageError(message: "unknown option \(flag); use --messages N, --runs R, --bootstrap host:port")
            }
        }
    }

    static func positive(_ value: String, _ flag: String) throws -> Int {
        guard let number = Int(value), number > 0 else { throw UsageError(message: "\(flag) takes a positive number, not \(value)") }
        return number
    }
}

struct UsageError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}
