import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// Posts prepared bodies to one URL with a bearer token, `concurrency` requests in flight, in order.
public enum HTTPLoad {
    /// When one request was sent and when its 200 answer arrived.
    public struct Timing: Sendable {
        public var index: Int
        public var sent: ContinuousClock.Instant
        public var accepted: ContinuousClock.Instant
        public var milliseconds: Double { sent.duration(to: accepted).seconds * 1_000 }
    }

    /// Every body, in order, `concurrency` at a time; any answer but 200 stops the load with that answer.
    /// With a `schedule` (each body's offset from the start), no body is sent before its time: an offered load.
    public static func post(_ bodies: [ByteBuffer], to url: String, token: String, concurrency: Int, http: HTTPClient,
                            schedule: [Duration]? = nil) async throws -> [Timing] {
        let start = ContinuousClock.now
        return try await withThrowingTaskGroup(of: [Timing].self) { group in
            let next = NextIndex(count: bodies.count)
            for _ in 0..<concurrency {
                group.addTask {
                    var timings: [Timing] = []
                    while let index = next.take() {
                        if let schedule { try await Task.sleep(until: start + schedule[index], clock: .continuous) }
                        var request = HTTPClientRequest(url: url)
                        request.method = .POST
                        request.headers.add(name: "Authorization", value: "Bearer \(token)")
                        request.headers.add(name: "Content-Type", value: "application/json")
                        request.body = .bytes(bodies[index])
                        let sent = ContinuousClock.now
                        let response = try await http.execute(request, timeout: .seconds(60))
                        let answer = try await response.body.collect(upTo: 1 << 20)
                        guard response.status == .ok else {
                            throw UsageError("request \(index) answered \(response.status.code): \(String(buffer: answer))")
                        }
                        timings.append(Timing(index: index, sent: sent, accepted: .now))
                    }
                    return timings
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
    }
}

extension HTTPLoad {
    /// One PUT of a JSON body (a roster before the clock starts); any answer but 200 is an error.
    public static func put(_ body: ByteBuffer, to url: String, token: String, http: HTTPClient) async throws {
        var request = HTTPClientRequest(url: url)
        request.method = .PUT
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(body)
        let response = try await http.execute(request, timeout: .seconds(60))
        let answer = try await response.body.collect(upTo: 1 << 20)
        guard response.status == .ok else { throw UsageError("PUT \(url) answered \(response.status.code): \(String(buffer: answer))") }
    }
}

/// Hands out indices to concurrent workers.
final class NextIndex: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0
    private let count: Int
    init(count: Int) { self.count = count }
    func take() -> Int? {
        lock.withLock {
            guard value < count else { return nil }
            defer { value += 1 }
            return value
        }
    }
}
