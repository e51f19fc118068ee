import Foundation
import Hummingbird
import PostgresNIO
import ServiceRuntime
import TestSupport
import Testing

/// The summary's national comparison counts DfE's cohort: pupils aged 5 to 15 at the start of the year.
struct SummaryCohortTests {
    @Test func onlyPupilsAgedFiveToFifteenAtTheStartOfTheYearAreComparedWithTheNation() async throws {
        try await AccessFixture.withServices { services in
            let school = AccessFixture.school()
            let serial = Int.random(in: 1...900_000)
            // 16 on 1 March 2026 (left compulsory age in June 2026), 11, and 4 (five on 1 January 2027).
            let pupils = [("2010-03-01", "10"), ("2015-05-05", "6"), ("2022-01-01", "R")].enumerated().map { index, pupil in
                (upn: AccessFixture.upn(serial + index), born: pupil.0, year: pupil.1)
            }
            let roster = pupils.map { pupil in
                #"{"upn": "\#(pupil.upn)", "forename": "F", "surname": "S", "dateOfBirth": "\#(pupil.born)", "yearGroup": "\#(pupil.year)", "admissionDate": "2024-09-01"}"#
            }.joined(separator: ",")
            #expect(try await AccessFixture.call(services.ingest, .put, "/v1/schools/\(school)/pupils", token: AccessFixture.connectorToken,
                                                 body: #"{"pupils": [\#(roster)]}"#).status == 200)
            #expect(try await AccessFixture.waitFor("SELECT count(*) FROM pupil_profiles WHERE school_urn = '\(school)'", atLeast: 3, services.detectorPostgres))
            let marks = pupils.map { #"{"upn": "\#($0.upn)", "code": "/"}"# }.joined(separator: ",")
            #expect(try await AccessFixture.call(services.ingest, .post, "/v1/registers", token: AccessFixture.connectorToken,
                                                 body: #"{"schoolUrn": "\#(school)", "date": "2026-11-16", "session": "AM", "marks": [\#(marks)]}"#).status == 200)
            #expect(try await AccessFixture.waitFor("SELECT count(*) FROM pupil_state WHERE school_urn = '\(school)'", atLeast: 3, services.detectorPostgres))
            let summary = try await AccessFixture.call(services.detector, .get, "/v1/schools/\(school)/summary", token: try await TestIdentity.manager())
            #expect((summary.json["overall"] as? [String: Any])?["pupils"] as? Int == 3)
            #expect((summary.json["nationalComparisonCohort"] as? [String: Any])?["pupils"] as? Int == 1, "\(summary.text)")
        }
    }
}
