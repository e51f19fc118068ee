import Foundation

/// librdkafka's own benchmark tool, built by deploy/local/setup from the same source as the library.
struct RdKafkaPerformance {
    let executable: URL

    static func locate() -> RdKafkaPerformance? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        let folders = ["/usr/local/bin"] + path.split(separator: ":").map(String.init)
        for folder in folders {
            let candidate = URL(fileURLWithPath: folder).appendingPathComponent("rdkafka_performance")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return RdKafkaPerformance(executable: candidate) }
        }
        return nil
    }

    func produce(topic: String, size: Int, count: Int, bootstrap: String) throws -> Throughput {
        let output = try run(["-P", "-t", topic, "-p", "0", "-s", String(size), "-c", String(count), "-b", bootstrap,
                              "-X", "linger.ms=5", "-X", "enable.idempotence=true", "-X", "acks=all"])
        // "% 200000 messages produced (20000000 bytes), 200000 delivered (...) in 174ms: 1143020 msgs/s and 114.30 MB/s, ..."
        guard let line = output.split(separator: "\n").last(where: { $0.contains("messages produced") }) else { throw parseError(output) }
        return try throughput(String(line), count: count, size: size)
    }

    func consume(topic: String, count: Int, bootstrap: String) throws -> Throughput {
        let output = try run(["-G", "perf-\(UUID().uuidString.prefix(8))", "-t", topic, "-c", String(count), "-b", bootstrap,
                              "-X", "auto.offset.reset=earliest"])
        // "% 200000 messages (20000000 bytes) consumed in 117ms: 1701866 msgs/s (170.19 MB/s)"
        guard let line = output.split(separator: "\n").last(where: { $0.contains("\(count) messages") && $0.contains("consumed in") }) else {
            throw parseError(output)
        }
        return try throughput(String(line), count: count, size: nil)
    }

    private func throughput(_ line: String, count: Int, size: Int?) throws -> Throughput {
        // The time between " in " and "ms:" is what the tool measured.
        guard let msRange = line.range(of: "ms:"),
              let inRange = line.range(of: " in ", options: .backwards, range: line.startIndex..<msRange.lowerBound),
              let milliseconds = Double(line[inRange.upperBound..<msRange.lowerBound]), milliseconds > 0
        else { throw parseError(line) }
        var bytes = count * (size ?? 0)
        if size == nil, let open = line.firstIndex(of: "("), let space = line[open...].firstIndex(of: " "),
           let parsed = Int(line[line.index(after: open)..<space]) {
            bytes = parsed
        }
        return Throughput(messages: count, bytes: bytes, seconds: milliseconds / 1000)
    }

    private func run(_ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }

    private func parseError(_ output: String) -> UsageError {
        UsageError(message: "could not read rdkafka_performance's figures from: \(output.suffix(400))")
    }
}
