import AttendanceDomain
import Foundation
import Hummingbird
import HummingbirdTesting
@testable import RegisterIngest
import ServiceRuntime
import TestSupport
import Testing

@Suite("GET /v1/register-quality: missing and weekend registers", .serialized, .timeLimit(.minutes(2)))
struct RegisterQualityTests {
    let endpoints = RegisterEndpointTests()

    /// `\` (present in the afternoon), escaped for the JSON the register is written in.
    static let presentPM = #"\\"#

    static func report(_ client: some TestClientProtocol, date: String, token: String) async throws -> (HTTPResponse.Status, [String: Any]) {
        try await client.execute(uri: "/v1/register-quality?date=\(date)", method: .get, headers: [.authorization: "Bearer \(token)"]) { response in
            ((response.status, (try? JSONSerialization.jsonObject(with: Data(String(buffer: response.body).utf8))) as? [String: Any] ?? [:]))
        }
    }

    static func missing(_ body: [String: Any]) -> [String] {
        ((body["missingRegisters"] as? [[String: Any]]) ?? []).map { "\($0["schoolUrn"] ?? "")/\($0["session"] ?? "") last \($0["lastRegisterDate"] ?? "")" }
    }

    @Test func aSchoolDayListsTheSessionsASendingSchoolDidNotRegisterAndWeekendMarks() async throws {
        let (both, morningOnly, weekendOnly, closed) = ("910001", "910002", "910003", "910004")
        let pupil = upn(1)
        try await endpoints.withService(extraEnvironment: try await TestIdentity.environment()) { client, _, _ in
            // Monday 7 September 2026: every school but the weekend one sends both registers.
            for school in [both, morningOnly, closed] {
                for (session, present) in [("AM", "/"), ("PM", Self.presentPM)] {
                    #expect(try await RegisterEndpointTests.post(client, RegisterEndpointTests.register(school, date: "2026-09-07", session: session, marks: [(pupil, present)])).0 == .ok)
                }
            }
            // Wednesday 9th: one sends both, one only the morning, one is closed (`#` is a register).
            for (school, session, code) in [(both, "AM", "/"), (both, "PM", Self.presentPM), (morningOnly, "AM", "/"), (closed, "AM", "#"), (closed, "PM", "#")] {
                #expect(try await RegisterEndpointTests.post(client, RegisterEndpointTests.register(school, date: "2026-09-09", session: session, marks: [(pupil, code)])).0 == .ok)
            }
            // Saturday 12th: a register dated on a weekend.
            #expect(try await RegisterEndpointTests.post(client, RegisterEndpointTests.register(weekendOnly, date: "2026-09-12", session: "AM", marks: [(pupil, "/")])).0 == .ok)

            // The service also stores what other tests send on the shared `mis.registers` topic: the exact lists are
            // read as an officer of these four schools, and the manager's (every school) must contain them.
            let mine = try await TestIdentity.token([.laOfficer], subject: "officer", schools: [both, morningOnly, weekendOnly, closed])
            let manager = try await TestIdentity.manager()
            let (status, wednesday) = try await Self.report(client, date: "2026-09-09", token: mine)
            #expect(status == .ok)
            #expect(Self.missing(wednesday) == ["\(morningOnly)/PM last 2026-09-07"])
            #expect(Set(Self.missing(try await Self.report(client, date: "2026-09-09", token: manager).1)).isSuperset(of: Self.missing(wednesday)))
            // Tuesday 8th: no school in the LA registered anything: a holiday, so nothing is missing.
            let (_, tuesday) = try await Self.report(client, date: "2026-09-08", token: mine)
            #expect(Self.missing(tuesday).isEmpty, "\(Self.missing(tuesday))")
            // Thursday 10th: another school registered both sessions, so every sending school of these four misses both;
            // the weekend-only school is not a sender.
            for (session, present) in [("AM", "/"), ("PM", Self.presentPM)] {
                #expect(try await RegisterEndpointTests.post(client, RegisterEndpointTests.register("910005", date: "2026-09-10", session: session, marks: [(pupil, present)])).0 == .ok)
            }
            let (_, thursday) = try await Self.report(client, date: "2026-09-10", token: mine)
            #expect(Self.missing(thursday).count == 6 && !Self.missing(thursday).contains { $0.hasPrefix(weekendOnly) }, "\(Self.missing(thursday))")
            let (_, sunday) = try await Self.report(client, date: "2026-09-13", token: mine)
            #expect(Self.missing(sunday).isEmpty, "a weekend day has no register due")
            let weekend = (sunday["weekendRegisters"] as? [[String: Any]]) ?? []
            #expect(weekend.count == 1 && weekend.first?["schoolUrn"] as? String == weekendOnly && weekend.first?["date"] as? String == "2026-09-12"
                    && weekend.first?["marks"] as? Int == 1, "\(weekend)")

            // An officer sees only their schools; a school lead only theirs.
            let officer = try await TestIdentity.token([.laOfficer], subject: "officer", schools: [both, morningOnly])
            #expect(Self.missing(try await Self.report(client, date: "2026-09-10", token: officer).1).allSatisfy { $0.hasPrefix(both) || $0.hasPrefix(morningOnly) })
            let lead = try await TestIdentity.token([.schoolLead], subject: "lead", schools: [closed])
            #expect(Self.missing(try await Self.report(client, date: "2026-09-10", token: lead).1) == ["\(closed)/AM last 2026-09-09", "\(closed)/PM last 2026-09-09"])
            let leadWeekend = try await Self.report(client, date: "2026-09-13", token: lead).1
            #expect((leadWeekend["weekendRegisters"] as? [Any])?.isEmpty == true, "another school's weekend register is not shown")

            // A connector may not read it; a bad or future date is refused, naming the field.
            #expect(try await Self.report(client, date: "2026-09-09", token: RegisterEndpointTests.token).0 == .forbidden)
            let (badStatus, bad) = try await Self.report(client, date: "2026-09-31", token: manager)
            #expect(badStatus == .badRequest && "\(bad)".contains("date"), "\(bad)")
            let future = SchoolDate.today.adding(days: 3).iso
            #expect(try await Self.report(client, date: future, token: manager).0 == .badRequest)
        }
    }

    @Test func aSessionIsDueOnceItsDeadlineHasPassed() throws {
        let deadlines = RegisterDeadlines(morning: 600, afternoon: 870)
        let today = SchoolDate(iso: "2026-09-09")!
        #expect(deadlines.sessionsDue(on: today, today: today, minutesNow: 599).isEmpty)
        #expect(deadlines.sessionsDue(on: today, today: today, minutesNow: 600) == ["AM"])
        #expect(deadlines.sessionsDue(on: today, today: today, minutesNow: 870) == ["AM", "PM"])
        #expect(deadlines.sessionsDue(on: today.adding(days: -1), today: today, minutesNow: 0) == ["AM", "PM"])
        #expect(deadlines.text("PM") == "14:30")
        #expect(throws: ConfigurationError.self) {
            try RegisterDeadlines(environment: EnvironmentReader(["INGEST_AM_REGISTER_BY": "25:00"]))
        }
    }
}
