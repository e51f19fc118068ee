import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import SyntheticLA

/// One service's API with a bearer token. A refused request stops the feed with the service's answer,
/// which names the field and the reason.
struct APIClient: Sendable {
    let base: String
    let token: String
    let http: HTTPClient

    struct Refused: Error, CustomStringConvertible {
        var description: String
    }

    func put(_ path: String, _ body: some Encodable) async throws {
        _ = try await send(.PUT, path, body: try JSONEncoder().encode(body))
    }

    func get<Answer: Decodable>(_ path: String, as type: Answer.Type) async throws -> Answer {
        let bytes = try await send(.GET, path, body: nil)
        return try JSONDecoder().decode(Answer.self, from: Data(bytes.readableBytesView))
    }

    /// Posts the registers, `concurrency` at a time, as a school's MIS connectors would at registration;
    /// returns how many marks they carried.
    func postAll(_ registers: [TermRegisters.Register], concurrency: Int) async throws -> Int {
        try await withThrowingTaskGroup(of: Int.self) { group in
            var pending = registers[...]
            var marks = 0
            func postNext() {
                guard let register = pending.popFirst() else { return }
                group.addTask {
                    _ = try await send(.POST, "/v1/registers", body: try JSONEncoder().encode(ConnectorDocuments.Register(register)))
                    return register.marks.count
                }
            }
            for _ in 0..<concurrency { postNext() }
            while let sent = try await group.next() {
                marks += sent
                postNext()
            }
            return marks
        }
    }

    private func send(_ method: HTTPMethod, _ path: String, body: Data?) async throws -> ByteBuffer {
        var request = HTTPClientRequest(url: base + path)
        request.method = method
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        let response = try await http.execute(request, timeout: .seconds(60))
        let answer = try await response.body.collect(upTo: 16 << 20)
        guard response.status == .ok else {
            throw Refused(description: "\(method) \(path) answered \(response.status.code): \(String(buffer: answer).prefix(500))")
        }
        return answer
    }
}
