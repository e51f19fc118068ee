import AsyncHTTPClient
import Events
import Foundation
import NIOCore
import NIOHTTP1
import ServiceRuntime
import TestSupport
import Testing

/// From the school's register to the family's phone: register-ingest, absence-detector and notification as built
/// binaries on one broker, a roster with contacts, an `N` at registration and the office's amendment to `I`.
@Suite(.serialized, .timeLimit(.minutes(5))) struct WholePipelineMessageTests {
    static let connector = "pipeline-message-connector"

    @Test func anNAmendedToIBeforeHalfPastNineSendsNothingAndAnUnamendedOneSendsOneText() async throws {
        try await NotificationFixture.with { f in
            let ingestSchema = TestEnvironment.uniqueSchema("msg_ingest"), detectorSchema = TestEnvironment.uniqueSchema("msg_detect")
            try await TestEnvironment.withPostgres(schema: ingestSchema) { _ in
                try await TestEnvironment.withPostgres(schema: detectorSchema) { _ in
                    let base = TestEnvironment.serviceEnvironment(overrides: ["KAFKA_BOOTSTRAP_SERVERS": "127.0.0.1:\(f.broker.port)"])
                        .merging(try await TestIdentity.environment()) { $1 }
                    let ingestPort = TestEnvironment.freePort(), detectorPort = TestEnvironment.freePort()
                    let ingest = try ServiceBinary.launchLogged("register-ingest", environment: base.merging([
                        "POSTGRES_SCHEMA": ingestSchema, "HTTP_PORT": "\(ingestPort)", "INGEST_CONNECTOR_TOKEN": Self.connector,
                        "INGEST_CONSUMER_GROUP": "\(ingestSchema)-feed"]) { $1 }).process
                    defer { ingest.terminate() }
                    let detector = try ServiceBinary.launchLogged("absence-detector", environment: base.merging([
                        "POSTGRES_SCHEMA": detectorSchema, "HTTP_PORT": "\(detectorPort)", "DETECTOR_CONSUMER_GROUP": "\(detectorSchema)-group"]) { $1 }).process
                    defer { detector.terminate() }
                    try f.setClock("2026-12-01T08:50:00Z")
                    try await f.startService()
                    try await f.recordSchool()
                    #expect(try await ServiceBinary.waitUntilReady(port: ingestPort, process: ingest) == 200)
                    #expect(try await ServiceBinary.waitUntilReady(port: detectorPort, process: detector) == 200)

                    let phoned = AccessFixture.upn(Int.random(in: 1...499_999)), silent = AccessFixture.upn(Int.random(in: 500_000...999_999))
                    func pupil(_ upn: String, _ forename: String, _ mobile: String) -> String {
                        """
                        {"upn": "\(upn)", "forename": "\(forename)", "surname": "Okafor", "dateOfBirth": "2015-05-04", "yearGroup": "6", "admissionDate": "2020-09-02",
                         "flags": {}, "contacts": [{"contactId": "C-\(forename)", "name": "Joy Okafor", "relationship": "mother", "parentalResponsibility": true,
                         "mobile": "\(mobile)", "preferredLanguage": "en"}]}
                        """
                    }
                    let roster = #"{"pupils": [\#(pupil(phoned, "Amira", "07700 900123")), \#(pupil(silent, "Leo", "07700 900456"))]}"#
                    #expect(try await Self.send(.PUT, "/v1/schools/\(f.school)/pupils", roster, port: ingestPort) == 200)
                    #expect(try await AccessFixture.waitFor("SELECT count(*) FROM contacts", atLeast: 2, f.postgres))
                    func register(_ date: String, _ session: String, _ code: (String) -> String) -> String {
                        #"{"schoolUrn": "\#(f.school)", "date": "\#(date)", "session": "\#(session)", "marks": [{"upn": "\#(phoned)", "code": "\#(code(phoned))"}, {"upn": "\#(silent)", "code": "\#(code(silent))"}]}"#
                    }
                    #expect(try await Self.send(.POST, "/v1/registers", register("2026-11-30", "AM") { _ in "/" }, port: ingestPort) == 200)
                    #expect(try await Self.send(.POST, "/v1/registers", register("2026-11-30", "PM") { _ in "\\\\" }, port: ingestPort) == 200)
                    // 08:50, registration: both absent, no reason yet.
                    #expect(try await Self.send(.POST, "/v1/registers", register("2026-12-01", "AM") { _ in "N" }, port: ingestPort) == 200)
                    #expect(try await f.eventually(seconds: 60) { try await AccessFixture.count("SELECT count(*) FROM messages WHERE status = 'queued'", f.postgres) == 2 })

                    // 09:10: Amira's mother rings; the office amends the mark.
                    try f.setClock("2026-12-01T09:10:00Z")
                    #expect(try await Self.send(.PATCH, "/v1/registers/\(f.school)/2026-12-01/AM/marks/\(phoned)", #"{"code": "I"}"#, port: ingestPort) == 200)
                    #expect(try await f.eventually(seconds: 60) { try await f.messages(phoned).first?.status == "cancelled_explained" })
                    #expect(await f.notifySent().isEmpty)

                    try f.setClock("2026-12-01T09:30:00Z")
                    #expect(try await f.eventually { await f.notifySent().count == 1 })
                    try await Task.sleep(for: .seconds(2))
                    let sent = await f.notifySent()
                    #expect(sent.map { $0["phone_number"] as? String } == ["07700900456"], "one text, to Leo's mother only: \(sent)")
                    #expect((sent.first?["body"] as? String)?.hasPrefix("Leo was not in school today") == true)
                    #expect(try await f.messages(phoned).map(\.status) == ["cancelled_explained"])
                }
            }
        }
    }

    static func send(_ method: HTTPMethod, _ path: String, _ body: String, port: Int) async throws -> Int {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)")
        request.method = method
        request.headers.add(name: "Authorization", value: "Bearer \(connector)")
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(string: body))
        let answer = await ServiceBinary.status(of: request)
        if answer?.0 != 200 { Issue.record("\(method) \(path): \(answer.map { String(decoding: $0.1, as: UTF8.self) } ?? "no answer")") }
        return answer?.0 ?? 0
    }
}
