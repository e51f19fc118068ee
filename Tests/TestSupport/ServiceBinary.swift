import AsyncHTTPClient
import NIOCore
import NIOHTTP1
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

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

    public static func launch(_ name: String, arguments: [String] = [], environment: [String: String]) throws -> (process: Process, stdout: Pipe, stderr: Pipe) {
        let process = Process()
        process.executableURL = try url(name)
        process.arguments = arguments
        process.environment = environment
        let (out, err) = (Pipe(), Pipe())
        process.standardOutput = out
        process.standardError = err
        try process.run()
        return (process, out, err)
    }

    /// Runs a long-lived service with its output in a log file (a pipe nobody reads would fill and block it).
    public static func launchLogged(_ name: String, environment: [String: String]) throws -> (process: Process, log: URL) {
        let process = Process()
        process.executableURL = try url(name)
        process.environment = environment
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("\(name)-\(UUID().uuidString.prefix(8)).log")
        FileManager.default.createFile(atPath: log.path, contents: nil)
        let handle = try FileHandle(forWritingTo: log)
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        return (process, log)
    }

    /// The HTTP status of a request, or nil when nothing answers.
    public static func status(of request: URLRequest) async -> (Int, Data)? {
        var request = request
        request.timeoutInterval = 5
        guard let (data, response) = try? await URLSession.shared.data(for: request) else { return nil }
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, data)
    }

    public static func status(of url: URL) async -> Int? {
        await status(of: URLRequest(url: url))?.0
    }

    /// Asks `/ready` until it answers 200 or the process ends; returns the last answer.
    public static func waitUntilReady(port: Int, process: Process) async throws -> Int? {
        let ready = URL(string: "http://127.0.0.1:\(port)/ready")!
        var answer: Int?
        for _ in 0..<120 {
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

    /// A loopback port for a service's HTTP endpoints.
    public static func freePort() -> Int { TestEnvironment.freePort() }
}
