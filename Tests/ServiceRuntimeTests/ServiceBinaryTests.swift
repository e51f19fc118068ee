import Foundation
import TestSupport
import Testing

/// The built executables themselves, as an operator runs them.
@Suite("The five service binaries", .timeLimit(.minutes(2)))
struct ServiceBinaryTests {
    static let binaries = ["register-ingest", "absence-detector", "pathway-coordinator", "notification", "meeting-scheduler"]

    @Test("starts, answers 200 on /ready, and stops cleanly on SIGTERM", arguments: binaries)
    func readyThenCleanStop(name: String) async throws {
        let port = ServiceBinary.freePort()
        let (process, out, _) = try ServiceBinary.launch(name, environment: TestEnvironment.serviceEnvironment(overrides: ["HTTP_PORT": String(port), "LOG_LEVEL": "notice"]))
        defer { if process.isRunning { process.terminate() } }
        #expect(try await ServiceBinary.waitUntilReady(port: port, process: process) == 200)
        #expect(await ServiceBinary.status(of: "http://127.0.0.1:\(port)/health") == 200)
        #expect(await ServiceBinary.status(of: "http://127.0.0.1:\(port)/metrics") == 200)

        kill(process.processIdentifier, SIGTERM)
        let exited = await ServiceBinary.waitForExit(process, seconds: 20)
        #expect(exited, "\(name) still running 20 s after SIGTERM")
        // Foundation traps when a running process's status is read: only once it has exited.
        guard exited else { kill(process.processIdentifier, SIGKILL); return }
        #expect(process.terminationStatus == 0)
        let logs = out.text
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
        let (process, _, err) = try ServiceBinary.launch(name, environment: env)
        #expect(await ServiceBinary.waitForExit(process, seconds: 20))
        #expect(process.terminationStatus != 0)
        let stderr = err.text
        let lines = stderr.split(separator: "\n")
        #expect(lines.count == 1)
        #expect(lines.first?.contains("KAFKA_BOOTSTRAP_SERVERS is not set") == true)
    }
}
