import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import SyntheticLA

/// register-ingest over HTTP with the connector token. A refused request stops the feed with the
/// service's answer, which names the field and the reason.
struct IngestClient: Sendable {
    let base: String
    let token: String
    let http = HTTPClient(eventLoopGroupProvider: .singleton)

    struct Refused: Error, CustomStringConvertible {
        var description: String
    }

    func put(_ path: String, _ body: some Encodable) async throws {
        try await send(.PUT, path, body)
    }

    /// Posts the registers, `concurrency` at a time; returns how many marks they carried.
    func postAll(_ registers: [TermRegisters.Register], concurrency: Int) async throws -> Int {
        try await withThrowingTaskGroup(of: Int.self) { group in
            var pending = registers[...]
            var marks = 0
            for _ in 0..<concurrency {
                guard let register = pending.popFirst() else { break }
                group.addTask { try await send(.POST, "/v1/registers", RegisterBody(register)); return register.marks.count }
            }
            while let sent = try await group.next() {
                marks += sent
                if let register = pending.popFirst() {
                    group.addTask { try await send(.POST, "/v1/registers", RegisterBody(register)); return register.marks.count }
                }
            }
            return marks
        }
    }

    private func send(_ method: HTTPMethod, _ path: String, _ body: some Encodable) async throws {
        var request = HTTPClientRequest(url: base + path)
        request.method = method
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(bytes: try JSONEncoder().encode(body)))
        let response = try await http.execute(request, timeout: .seconds(60))
        let answer = try await response.body.collect(upTo: 1 << 20)
        guard response.status == .ok else {
            throw Refused(description: "\(method) \(path) answered \(response.status.code): \(String(buffer: answer).prefix(500))")
        }
    }
}
