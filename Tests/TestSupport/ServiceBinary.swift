import AsyncHTTPClient
import NIOCore
import NIOHTTP1
import Foundation
import NIOFoundationCompat

/// A built service executable run as an operator runs it, for end-to-end tests.
public enum ServiceBinary {
    /// Built next to the test bundle by `swift build --build-tests`.
    public static func url(_ name: String) throws -> URL {
        let folder = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        let candidates = [folder, folder.deletingLastPathComponent()].map { $0.appendingPathComponent(name) }
        guard let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0.path) }) else {
            throw TestEnvironment.MissingTool(name: name, hint: "not built in \(folder.path): run `swift build --build-tests` first")
        }
        return found
    }

    /// Runs a command to completion (or a service for a test's length) with its output captured in files,
    /// read once it has exited: a pipe would block the process once full, and reading one blocks a thread.
    public static func launch(_ name: String, arguments: [String] = [], environment: [String: String]) throws -> (process: Process, stdout: CapturedOutput, stderr: CapturedOutput) {
        let process = Process()
        process.executableURL = try url(name)
        process.arguments = arguments
        process.environment = environment
        let (out, err) = (try CapturedOutput(name: "\(name)-stdout"), try CapturedOutput(name: "\(name)-stderr"))
        process.standardOutput = try FileHandle(forWritingTo: out.file)
        process.standardError = try FileHandle(forWritingTo: err.file)
        try process.run()
        return (process, out, err)
    }

    /// Runs a long-lived service with its output, both streams, in one log file.
    public static func launchLogged(_ name: String, environment: [String: String]) throws -> (process: Process, log: URL) {
        let process = Process()
        process.executableURL = try url(name)
        process.environment = environment
        let log = try CapturedOutput(name: name)
        let handle = try FileHandle(forWritingTo: log.file)
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        return (process, log.file)
    }

    /// The HTTP status and body of a request, or nil when nothing answers within 5 seconds.
    public static func status(of request: HTTPClientRequest) async -> (Int, Data)? {
        guard let response = try? await HTTPClient.shared.execute(request, timeout: .seconds(5)),
              let body = try? await response.body.collect(upTo: 1 << 20) else { return nil }
        return (Int(response.status.code), Data(buffer: body))
    }

    public static func status(of url: String) async -> Int? {
        await status(of: HTTPClientRequest(url: url))?.0
    }

    /// Asks `/ready` until it answers 200, the process ends or 90 seconds pass; returns the last answer.
    public static func waitUntilReady(port: Int, process: Process) async throws -> Int? {
        let ready = "http://127.0.0.1:\(port)/ready"
        let deadline = ContinuousClock.now.advanced(by: .seconds(90))
        var answer: Int?
        while ContinuousClock.now < deadline {
            answer = await status(of: ready)
            if answer == 200 || !process.isRunning { break }
            try await Task.sleep(for: .milliseconds(250))
        }
        return answer
    }

    /// Waits until `/health` answers 200 (the process serves HTTP, with or without the broker): false if the
    /// process ends or a minute passes first.
    public static func waitUntilListening(port: Int, process: Process) async throws -> Bool {
        let deadline = ContinuousClock.now.advanced(by: .seconds(60))
        while process.isRunning, ContinuousClock.now < deadline {
            if let answer = try? await HTTPClient.shared.execute(HTTPClientRequest(url: "http://127.0.0.1:\(port)/health"), timeout: .seconds(2)),
               answer.status.code == 200 { return true }
            try await Task.sleep(for: .milliseconds(200))
        }
        return false
    }

    public static func waitForExit(_ process: Process, seconds: Double) async -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while process.isRunning && Date() < deadline { try? await Task.sleep(for: .milliseconds(100)) }
        return !process.isRunning
    }

    /// Stops a service as an orchestrator does: SIGTERM, then SIGKILL if it is still running after `grace`
    /// seconds. Returns whether it stopped on SIGTERM. Never blocks a thread (Process.waitUntilExit would).
    @discardableResult
    public static func stop(_ process: Process, grace: Double = 30) async -> Bool {
        guard process.isRunning else { return true }
        kill(process.processIdentifier, SIGTERM)
        if await waitForExit(process, seconds: grace) { return true }
        kill(process.processIdentifier, SIGKILL)
        _ = await waitForExit(process, seconds: 10)
        return false
    }

    /// Runs a short command (a checker, a script) to its end, killing it after `seconds`.
    public static func runToEnd(_ process: Process, seconds: Double = 120) async throws {
        if process.standardInput == nil { process.standardInput = FileHandle.nullDevice }
        try process.run()
        guard await waitForExit(process, seconds: seconds) else {
            kill(process.processIdentifier, SIGKILL)
            _ = await waitForExit(process, seconds: 10)
            throw TimedOut(command: ([process.executableURL?.lastPathComponent ?? "?"] + (process.arguments ?? [])).joined(separator: " "), seconds: seconds)
        }
    }

    public struct TimedOut: Error, CustomStringConvertible {
        public var command: String
        public var seconds: Double
        public var description: String { "\(command) did not finish within \(Int(seconds)) s; killed" }
    }

    /// A loopback port for a service's HTTP endpoints.
    public static func freePort() -> Int { TestEnvironment.freePort() }
}

/// A file a launched process writes one of its streams to.
public struct CapturedOutput: Sendable {
    public let file: URL

    init(name: String) throws {
        file = FileManager.default.temporaryDirectory.appendingPathComponent("\(name)-\(UUID().uuidString.prefix(8)).log")
        guard FileManager.default.createFile(atPath: file.path, contents: nil) else { throw CocoaError(.fileWriteUnknown) }
    }

    /// What the process has written so far: all of it once the process has exited.
    public var text: String { (try? String(contentsOf: file, encoding: .utf8)) ?? "" }
}
