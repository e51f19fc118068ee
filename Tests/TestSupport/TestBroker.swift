import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Logging
import Messaging

/// A Tansu broker of a test's own on a loopback port, for tests that need a broker to come and go.
public final class TestBroker: Sendable {
    private let process: Process
    public let port: Int
    /// The broker's process, for tests that freeze it (SIGSTOP) and let it go on (SIGCONT).
    public var processIdentifier: Int32 { process.processIdentifier }

    /// Starts the broker and waits until it has created `topics` (one partition each).
    public convenience init(port: Int, topics: [String], logger: Logger) async throws {
        try await self.init(port: port, topics: topics.map { ($0, 1) }, logger: logger)
    }

    /// Starts the broker and waits until it has created `topics` with their partition counts.
    public init(port: Int, topics: [(name: String, partitions: Int)], logger: Logger) async throws {
        self.port = port
        let process = Process()
        process.executableURL = try TestEnvironment.tansuBinary()
        process.arguments = ["broker", "--listener-url", "tcp://127.0.0.1:\(port)", "--advertised-listener-url", "tcp://127.0.0.1:\(port)",
                             "--storage-engine", "memory://tansu/"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        self.process = process
        let configuration = KafkaConfiguration(bootstrapServers: "127.0.0.1:\(port)", clientID: "test-broker")
        for _ in 0..<50 {
            if (try? await KafkaAdmin.createTopics(topics.map { ($0.name, $0.partitions) }, configuration: configuration, logger: logger, timeout: .seconds(2))) != nil { return }
            try await Task.sleep(for: .milliseconds(200))
        }
        stop()
        throw TestEnvironment.MissingTool(name: "a broker on port \(port)", hint: "it did not come up within 10 seconds")
    }

    /// SIGKILL: a test process may ignore SIGTERM (service-lifecycle's handlers), and its children inherit that.
    public func stop() {
        kill(process.processIdentifier, SIGKILL)
    }

    deinit { stop() }
}
