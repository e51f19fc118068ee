import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import ServiceRuntime
import TestSupport
import Testing

@Suite("register-ingest token create, end to end through the built binary", .timeLimit(.minutes(2)))
struct TokenCommandTests {
    @Test func argumentsAreParsedStrictly() throws {
        #expect(try TokenCommand.scope(from: [], service: "register-ingest") == nil)
        #expect(try TokenCommand.scope(from: ["token", "create", "--la"], service: "register-ingest") == .localAuthority)
        #expect(try TokenCommand.scope(from: ["token", "create", "--school", "100000"], service: "register-ingest") == .school("100000"))
        #expect(throws: CommandLineError.self) { try TokenCommand.scope(from: ["token", "create", "--school", "12"], service: "register-ingest") }
        #expect(throws: CommandLineError.self) { try TokenCommand.scope(from: ["token", "list"], service: "register-ingest") }
    }

    @Test func aCreatedSchoolTokenSubmitsItsOwnSchoolOnly() async throws {
        let own = String(Int.random(in: 900_000...999_999)), other = String(Int.random(in: 800_000...899_999))
        let env = TestEnvironment.serviceEnvironment()
        let (create, out, _) = try ServiceBinary.launch("register-ingest", arguments: ["token", "create", "--school", own], environment: env)
        #expect(await ServiceBinary.waitForExit(create, seconds: 30))
        #expect(create.terminationStatus == 0)
        let token = out.text.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(token.count >= 40)

        let port = ServiceBinary.freePort()
        let (service, _, _) = try ServiceBinary.launch("register-ingest", environment: env.merging(["HTTP_PORT": String(port)]) { $1 })
        defer { if service.isRunning { service.terminate() } }
        #expect(try await ServiceBinary.waitUntilReady(port: port, process: service) == 200)

        func post(_ school: String) async -> Int? {
            var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/v1/registers")
            request.method = .POST
            request.headers.add(name: "Content-Type", value: "application/json")
            request.headers.add(name: "Authorization", value: "Bearer \(token)")
            request.body = .bytes(ByteBuffer(string: #"{"schoolUrn": "\#(school)", "date": "2026-09-07", "session": "AM", "marks": [{"upn": "\#(upn(1))", "code": "/"}]}"#))
            return await ServiceBinary.status(of: request)?.0
        }
        #expect(await post(own) == 200)
        #expect(await post(other) == 403)
    }
}
