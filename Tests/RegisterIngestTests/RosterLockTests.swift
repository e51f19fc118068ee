import Foundation
import Hummingbird
import NIOCore
import PostgresNIO
@testable import RegisterIngest
import TestSupport
import Testing

/// Two rosters of one school at once: before the school's lock, their upserts locked the same pupils in
/// opposite orders and deadlocked (a 500).
@Suite("Two rosters of one school at once", .serialized, .timeLimit(.minutes(2)))
struct RosterLockTests {
    static func roster(_ serials: [Int], surname: String) -> ByteBuffer {
        let pupils = serials.map { serial in
            """
            {"upn": "\(LargeRosterTests.upn(serial))", "forename": "F\(serial)", "surname": "\(surname)", "dateOfBirth": "2012-03-02",
             "yearGroup": "9", "admissionDate": "2023-09-04"}
            """
        }
        return ByteBuffer(string: #"{"pupils": ["# + pupils.joined(separator: ",") + "]}")
    }

    @Test func theyRunOneAfterTheOtherAndTheLastOneStands() async throws {
        let school = RegisterEndpointTests.school()
        let serials = Array(1...300)
        try await RegisterEndpointTests().withService { client, postgres, _ in
            for round in 0..<10 {
                let (forwardName, backwardName) = ("Forward\(round)", "Backward\(round)")
                async let forward = RosterEndpointTests.put(client, school: school, Self.roster(serials, surname: forwardName))
                async let backward = RosterEndpointTests.put(client, school: school, Self.roster(serials.reversed(), surname: backwardName))
                let (forwardStatus, backwardStatus) = try await (forward.0, backward.0)
                #expect(forwardStatus == .ok && backwardStatus == .ok, "round \(round)")
                let rows = try await postgres.query(
                    "SELECT DISTINCT profile_json::json->>'surname' FROM pupils WHERE school_urn = \(school)", logger: TestEnvironment.logger)
                var surnames: Set<String> = []
                for try await surname in rows.decode(String.self) { surnames.insert(surname) }
                #expect(surnames == [forwardName] || surnames == [backwardName], "round \(round): \(surnames.sorted())")
            }
        }
    }
}
