import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
@testable import RegisterIngest
import ServiceRuntime
import TestSupport
import Testing

@Suite("register-ingest token create and revoke, end to end through the built binary", .timeLimit(.minutes(2)))
struct TokenCommandTests {
    @Test func wrongArgumentsAreRefusedBeforeAnythingIsStored() async throws {
        let env = TestEnvironment.serviceEnvironment()
        #expect(try await TokenCommand.runIfToken([], descriptor: RegisterIngest.descriptor, environment: env) == false)
        for arguments in [["token", "list"], ["token", "create", "--school", "12", "--label", "x"], ["token", "create", "--school", "100000"],
                          ["token", "create", "--la", "--school", "100000", "--label", "x"], ["token", "revoke"],
                          ["token", "issue", "--subject", "a", "--role", "mis_connector"], ["token", "issue", "--subject", "a", "--role", "la_officer"]] {
            await #expect(throws: CommandLineError.self, "\(arguments)") {
                _ = try await TokenCommand.runIfToken(arguments, descriptor: RegisterIngest.descriptor, environment: env)
            }
        }
    }

    @Test func aCreatedSchoolTokenSubmitsItsOwnSchoolOnlyUntilItIsRevoked() async throws {
        let own = String(Int.random(in: 900_000...999_999)), other = String(Int.random(in: 800_000...899_999))
        let label = "mis-\(own)"
        let env = TestEnvironment.serviceEnvironment()
        let (create, out, _) = try ServiceBinary.launch("register-ingest", arguments: ["token", "create", "--school", own, "--label", label, "--days", "30"], environment: env)
        #expect(await ServiceBinary.waitForExit(create, seconds: 30))
        #expect(create.terminationStatus == 0)
        let token = out.text.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(token.count >= 40)

        let port = ServiceBinary.freePort()
        let (service, _, _) = try ServiceBinary.launch("register-ingest", environment: env.merging(["HTTP_PORT": String(port)]) { $1 })
        defer { if service.isRunning { service.terminate() } }
        #expect(try await ServiceBinary.waitUntilReady(port: port, process: service) == 200)

        func post(_ school: String) async -> (Int, String)? {
            var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/v1/registers")
            request.method = .POST
            request.headers.add(name: "Content-Type", value: "application/json")
            request.headers.add(name: "Authorization", value: "Bearer \(token)")
            request.body = .bytes(ByteBuffer(string: #"{"schoolUrn": "\#(school)", "date": "2026-09-07", "session": "AM", "marks": [{"upn": "\#(upn(1))", "code": "/"}]}"#))
            return await ServiceBinary.status(of: request).map { ($0.0, String(decoding: $0.1, as: UTF8.self)) }
        }
        #expect(await post(own)?.0 == 200)
        #expect(await post(other)?.0 == 403)

        // Revoked by its label: refused on the next request, without a restart, saying why.
        let (revoke, _, _) = try ServiceBinary.launch("register-ingest", arguments: ["token", "revoke", "--label", label], environment: env)
        #expect(await ServiceBinary.waitForExit(revoke, seconds: 30))
        #expect(revoke.terminationStatus == 0)
        let refused = await post(own)
        #expect(refused?.0 == 401)
        #expect(refused?.1.contains("the connector token '\(label)' has been revoked") == true, "\(refused?.1 ?? "")")
        #expect(refused?.1.contains(token) == false)
    }
}
