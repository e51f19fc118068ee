import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// A service binary from the same build folder as the benchmark, run as an operator runs it.
public final class ServiceProcess: Sendable {
    public let name: String
    public let port: Int
    private let process: Process

    public var pid: Int32 { process.processIdentifier }

    /// Starts `name` on `port` and waits until its `/ready` answers 200.
    public init(_ name: String, port: Int, environment: [String: String], http: HTTPClient) async throws {
        let folder = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        let binary = folder.appendingPathComponent(name)
        guard FileManager.default.isExecutableFile(atPath: binary.path) else {
            throw UsageError("\(binary.path) is missing: build it with `swift build -c release`")
        }
        let process = Process()
        process.executableURL = binary
        process.environment = environment.merging(["HTTP_PORT": "\(port)"]) { _, port in port }
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("\(name)-\(port).log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)  // FileHandle below says if it failed
        let handle = try FileHandle(forWritingTo: log)
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        self.name = name
        self.port = port
        self.process = process
        let deadline = ContinuousClock.now.advanced(by: .seconds(60))
        while ContinuousClock.now < deadline {
            guard process.isRunning else { throw UsageError("\(name) exited during start-up; its log: \(log.path)") }
            let request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/ready")
            if let response = try? await http.execute(request, timeout: .seconds(2)), response.status == .ok { return }
            try await Task.sleep(for: .milliseconds(200))
        }
        process.terminate()
        throw UsageError("\(name) was not ready within 60 s; its log: \(log.path)")
    }

    /// SIGTERM, then waits for the graceful shutdown (SIGKILL after 20 s).
    public func stop() async {
        guard process.isRunning else { return }
        process.terminate()
        for _ in 0..<200 where process.isRunning { try? await Task.sleep(for: .milliseconds(100)) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }

    /// A free loopback port.
    public static func freePort() -> Int {
        let socket = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socket, $0, length) } }
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(socket, $0, &length) } }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
