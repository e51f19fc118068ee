import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import PostgresNIO
@testable import RegisterIngest
import TestSupport
import Testing

/// The feed contract as an MIS vendor meets it: Excel's CSV, refusals that explain themselves in one JSON
/// shape, 400 for a body that is not JSON, and error locations written one way.
@Suite("The feed contract's edges", .serialized, .timeLimit(.minutes(2)))
struct FeedContractTests {
    let endpoints = RegisterEndpointTests()
    static let headers: HTTPFields = [.contentType: "application/json", .authorization: "Bearer \(RegisterEndpointTests.token)"]

    @Test func aCSVFileWithAByteOrderMarkIsAccepted() async throws {
        let school = RegisterEndpointTests.school()
        try await endpoints.withService { client, postgres, _ in
            let csv = "\u{FEFF}school_urn,date,session,upn,code,minutes_late\r\n\(school),2026-09-07,AM,\(upn(1)),/,\r\n\(school),2026-09-07,AM,\(upn(2)),N,\r\n"
            let (status, body) = try await RegisterEndpointTests.post(client, ByteBuffer(string: csv), contentType: "text/csv")
            #expect(status == .ok, "\(body)")
            #expect(body["accepted"] as? Int == 2)
            #expect(try await RegisterEndpointTests.count("SELECT count(*) FROM marks WHERE school_urn = '\(school)'", postgres) == 2)
        }
    }

    @Test func aBodyOverTheLimitIsRefusedWithAJSONError() async throws {
        try await endpoints.withService(extraEnvironment: ["INGEST_MAX_BODY_BYTES": "1024"]) { client, _, _ in
            let register = RegisterEndpointTests.register(RegisterEndpointTests.school(), marks: (1...60).map { (upn($0), "/") })
            let (status, body) = try await RegisterEndpointTests.post(client, register)
            #expect(status == .contentTooLarge)
            let errors = try #require(body["errors"] as? [[String: Any]])
            #expect(body["error"] is String)
            #expect(errors.first?["location"] as? String == "body")
            #expect((errors.first?["reason"] as? String)?.contains("1024 bytes") == true)
            #expect((errors.first?["reason"] as? String)?.contains("INGEST_MAX_BODY_BYTES") == true)
        }
    }

    @Test func aBodyThatIsNotJSONIs400WithAJSONErrorOnEveryEndpoint() async throws {
        let school = RegisterEndpointTests.school()
        try await endpoints.withService { client, _, _ in
            let calls: [(String, HTTPRequest.Method)] = [
                ("/v1/registers", .post),
                ("/v1/registers/\(school)/2026-09-07/AM/marks/\(upn(1))", .patch),
                ("/v1/schools/\(school)/pupils", .put),
            ]
            for (uri, method) in calls {
                for notJSON in ["{marks", "", "code=I"] {
                    let (status, body) = try await client.execute(uri: uri, method: method, headers: Self.headers, body: ByteBuffer(string: notJSON)) { response in
                        (response.status, (try? JSONSerialization.jsonObject(with: Data(String(buffer: response.body).utf8))) as? [String: Any] ?? [:])
                    }
                    #expect(status == .badRequest, "\(method) \(uri) \(notJSON)")
                    #expect((body["errors"] as? [[String: Any]])?.first?["location"] as? String == "body", "\(method) \(uri)")
                }
            }
            // Well-formed JSON that breaks the rules stays 422, located where it breaks them.
            let (wrongType, body) = try await RegisterEndpointTests.post(client, ByteBuffer(string: #"{"schoolUrn": "\#(school)", "marks": [{"code": 3}]}"#))
            #expect(wrongType == .unprocessableContent)
            #expect((body["errors"] as? [[String: Any]])?.first?["location"] as? String == "marks[0].code")
        }
    }

    @Test func rosterErrorsAreLocatedLikeRegisterErrors() async throws {
        let school = RegisterEndpointTests.school()
        try await endpoints.withService { client, _, _ in
            let roster = ByteBuffer(string: """
                {"pupils": [{"upn": "\(upn(1))", "forename": "Amelia", "surname": "Ward", "dateOfBirth": "2015-03-02", "yearGroup": 6,
                  "admissionDate": "2019-09-04"}]}
                """)
            let (status, body) = try await RosterEndpointTests.put(client, school: school, roster)
            #expect(status == .unprocessableContent)
            #expect(body.contains(#""location":"pupils[0].yearGroup""#), "\(body)")
        }
    }
}
