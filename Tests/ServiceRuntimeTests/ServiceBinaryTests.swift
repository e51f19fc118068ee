import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import TestSupport
import Testing

/// The built executables themselves, as an operator runs them.
@Suite("The five service binaries")
struct ServiceBinaryTests {
    static let binaries = ["register-ingest", "absence-detector", "pathway-coordinator", "notification", "meeting-scheduler"]

    /// Built next to the test bundle by `swift build --build-tests`.
    static func binary(_ name: String) throws -> URL {
        let folder = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        let candidates = [folder, folder.deletingLastPathComponent()].map { $0.appendingPathComponent(name) }
        guard let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0.path) }) else {
            throw BinaryMissing(name: name, folder: folder.path)
        }
        return found
    }

    struct BinaryMissing: Error, CustomStringConvertible {
        let name: String
        let folder: String
        var description: String { "\(name) is not built in \(folder): run `swift build --build-tests` first" }
    }

    static func launch(_ name: String, environment: [String: String]) throws -> (Process, Pipe, Pipe) {
        let process = Process()
        process.executableURL = try binary(name)
        process.environment = environment
        let (out, err) = (Pipe(), Pipe())
        process.standardOutput = out
        process.standardError = err
        try process.run()
        return (process, out, err)
    }

    static func freePort() -> Int { Int.random(in: 20000..<40000) }

    static func status(of url: URL) async -> Int? {
        var request = URLRequest(url: url)
        request.timeoutInterval = 5
        guard let (_, response) = try? await URLSession.shared.data(for: request) else { return nil }
        return (response as? HTTPURLResponse)?.statusCode
    }

    static func waitForExit(_ process: Process, seconds: Double) async -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while process.isRunning && Date() < deadline { try? await Task.sleep(for: .milliseconds(100)) }
        return !process.isRunning
    }

    @Test("starts, answers 200 on /ready, and stops cleanly on SIGTERM", arguments: binaries)
    func readyThenCleanStop(name: String) async throws {
        let port = Self.freePort()
        let (process, out, _) = try Self.launch(name, environment: TestEnvironment.serviceEnvironment(overrides: ["HTTP_PORT": String(port), "LOG_LEVEL": "notice"]))
        defer { if process.isRunning { process.terminate() } }
        let ready = URL(string: "http://127.0.0.1:\(port)/ready")!
        var answer: Int?
        for _ in 0..<120 {
            answer = await Self.status(of: ready)
            if answer == 200 || !process.isRunning { break }
            try await Task.sleep(for: .milliseconds(250))
        }
        #expect(answer == 200)
        #expect(await Self.status(of: URL(string: "http://127.0.0.1:\(port)/health")!) == 200)
        #expect(await Self.status(of: URL(string: "http://127.0.0.1:\(port)/metrics")!) == 200)

        kill(process.processIdentifier, SIGTERM)
        #expect(await Self.waitForExit(process, seconds: 20))
        #expect(process.terminationStatus == 0)
        let logs = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        // Structured logs: every line is a JSON object naming the service.
        let lines = logs.split(separator: "\n")
        #expect(!lines.isEmpty)
        for line in lines {
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            #expect(object?["service"] as? String == name)
        }
        #expect(logs.contains("\"message\":\"stopped\""))
    }

    @Test("a missing required variable stops start-up with one line naming it", arguments: binaries)
    func missingVariable(name: String) async throws {
        var env = TestEnvironment.serviceEnvironment()
        env["KAFKA_BOOTSTRAP_SERVERS"] = nil
        let (process, _, err) = try Self.launch(name, environment: env)
        #expect(await Self.waitForExit(process, seconds: 20))
        #expect(process.terminationStatus != 0)
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let lines = stderr.split(separator: "\n")
        #expect(lines.count == 1)
        #expect(lines.first?.contains("KAFKA_BOOTSTRAP_SERVERS is not set") == true)
    }
}
