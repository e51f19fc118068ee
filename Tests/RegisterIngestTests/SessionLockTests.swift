import Events
import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import PostgresNIO
@testable import RegisterIngest
import TestSupport
import Testing

/// Writers of the same sessions at once: before the locks were taken in one order, PATCH against a resend
/// and two files listing the same sessions in opposite orders deadlocked (PostgreSQL ended one: a 500).
@Suite("Concurrent writers of one session: no deadlock, the last write wins", .serialized, .timeLimit(.minutes(2)))
struct SessionLockTests {
    let endpoints = RegisterEndpointTests()

    @Test func aPatchRacingAResendOfItsSession() async throws {
        let school = RegisterEndpointTests.school()
        let pupils = (1...3).map(upn)
        try await endpoints.withService { client, postgres, _ in
            #expect(try await RegisterEndpointTests.post(client, RegisterEndpointTests.register(school, marks: pupils.map { ($0, "/") })).0 == .ok)
            for round in 0..<20 {
                let even = round.isMultiple(of: 2)
                let (patchCode, resentCode, otherCode) = even ? ("I", "N", "L") : ("M", "O", "/")
                let resend = RegisterEndpointTests.register(school, marks: [(pupils[0], resentCode), (pupils[1], otherCode), (pupils[2], otherCode)])
                async let patched = Self.patch(client, school: school, upn: pupils[0], code: patchCode)
                async let resent = RegisterEndpointTests.post(client, resend)
                let (patchStatus, resendStatus) = try await (patched, resent.0)
                #expect(patchStatus == .ok && resendStatus == .ok, "round \(round)")
                // The later writer's whole outcome: the PATCH's code or the register's, the others as the register sent.
                let stored = try await Self.storedCodes(school, postgres)
                #expect([patchCode, resentCode].contains(stored["2026-09-07 AM \(pupils[0])"] ?? "none"), "round \(round)")
                #expect(stored["2026-09-07 AM \(pupils[1])"] == otherCode && stored["2026-09-07 AM \(pupils[2])"] == otherCode, "round \(round)")
            }
            try await Self.expectEventsRetellStoredMarks(school, postgres)
        }
    }

    @Test func twoFilesWithTheSameSessionsInOppositeOrders() async throws {
        let school = RegisterEndpointTests.school()
        let dates = ["2026-09-07", "2026-09-08", "2026-09-09", "2026-09-10"]
        let pupils = (1...10).map(upn)
        @Sendable func file(_ dates: [String], code: String) -> ByteBuffer {
            let lines = dates.flatMap { date in pupils.map { "\(school),\(date),AM,\($0),\(code)," } }
            return ByteBuffer(string: (["school_urn,date,session,upn,code,minutes_late"] + lines).joined(separator: "\n"))
        }
        try await endpoints.withService { client, postgres, _ in
            for round in 0..<10 {
                let (forwardCode, backwardCode) = round.isMultiple(of: 2) ? ("I", "N") : ("M", "O")
                async let forward = RegisterEndpointTests.post(client, file(dates, code: forwardCode), contentType: "text/csv")
                async let backward = RegisterEndpointTests.post(client, file(dates.reversed(), code: backwardCode), contentType: "text/csv")
                let (forwardStatus, backwardStatus) = try await (forward.0, backward.0)
                #expect(forwardStatus == .ok && backwardStatus == .ok, "round \(round)")
                // One file's outcome, whole: every mark of every session has that file's code.
                let codes = Set(try await Self.storedCodes(school, postgres).values)
                #expect(codes == [forwardCode] || codes == [backwardCode], "round \(round): \(codes.sorted())")
            }
            #expect(try await RegisterEndpointTests.count("SELECT count(*) FROM marks WHERE school_urn = '\(school)'", postgres) == 40)
            try await Self.expectEventsRetellStoredMarks(school, postgres)
        }
    }

    static func patch(_ client: some TestClientProtocol, school: String, upn: String, code: String) async throws -> HTTPResponse.Status {
        let headers: HTTPFields = [.contentType: "application/json", .authorization: "Bearer \(RegisterEndpointTests.token)"]
        return try await client.execute(uri: "/v1/registers/\(school)/2026-09-07/AM/marks/\(upn)", method: .patch, headers: headers,
                                        body: ByteBuffer(string: #"{"code": "\#(code)"}"#)) { $0.status }
    }

    /// The school's stored codes by "date session upn".
    static func storedCodes(_ school: String, _ postgres: PostgresClient) async throws -> [String: String] {
        let rows = try await postgres.query(
            "SELECT date::text, session, upn, code FROM marks WHERE school_urn = \(school)", logger: TestEnvironment.logger)
        var codes: [String: String] = [:]
        for try await (date, session, upn, code) in rows.decode((String, String, String, String).self) { codes["\(date) \(session) \(upn)"] = code }
        return codes
    }

    /// Replays the school's events in outbox order: each amendment's previous code is the code the events
    /// before it left, the replay ends at the stored marks, and the relay published every event.
    static func expectEventsRetellStoredMarks(_ school: String, _ postgres: PostgresClient) async throws {
        let rows = try await postgres.query(
            "SELECT payload FROM outbox WHERE message_key = \(school) ORDER BY id", logger: TestEnvironment.logger)
        var replayed: [String: String] = [:]
        for try await payload in rows.decode(ByteBuffer.self) {
            let bytes = Array(buffer: payload)
            switch try EventCodec.kind(of: bytes).type {
            case MarksRecorded.type:
                let event = try EventCodec.decode(MarksRecorded.self, from: bytes).data
                for mark in event.marks {
                    let key = "\(event.date) \(event.session) \(mark.upn)"
                    #expect(replayed[key] == nil, "\(key) recorded twice")
                    replayed[key] = mark.code
                }
            case MarksAmended.type:
                let event = try EventCodec.decode(MarksAmended.self, from: bytes).data
                for amendment in event.amendments {
                    let key = "\(event.date) \(event.session) \(amendment.upn)"
                    #expect(replayed[key] == amendment.previousCode, "\(key): amended from \(amendment.previousCode), stored \(replayed[key] ?? "none")")
                    replayed[key] = amendment.code
                }
            case let other:
                Issue.record("unexpected event \(other)")
            }
        }
        #expect(replayed == (try await storedCodes(school, postgres)))
        let deadline = ContinuousClock.now.advanced(by: .seconds(20))
        let unpublished = "SELECT count(*) FROM outbox WHERE message_key = '\(school)' AND published_at IS NULL"
        while try await RegisterEndpointTests.count(unpublished, postgres) > 0, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(try await RegisterEndpointTests.count(unpublished, postgres) == 0)
    }
}
