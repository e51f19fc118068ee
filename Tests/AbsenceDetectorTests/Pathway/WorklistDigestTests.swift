import AttendanceDomain
import Events
import Foundation
@testable import NotificationService
@testable import PathwayCoordinator
import PostgresNIO
import ServiceRuntime
import Storage
import TestSupport
import Testing

/// The caseworkers' 07:30 worklist digest: one request per officer per day, by case reference, rendered by the
/// notification service's template.
struct WorklistDigestTests {
    @Test func eachCaseworkerGetsOneDigestADayOfTheirOwnCasesByReference() async throws {
        let schema = TestEnvironment.uniqueSchema("worklist")
        try await TestEnvironment.withPostgres(schema: schema) { postgres in
            _ = try await SchemaMigrator(schema: schema, migrations: PathwayCoordinator.descriptor.migrations).apply(using: postgres, logger: TestEnvironment.logger)
            let day = SchoolDate(iso: "2026-12-02")!
            for (caseID, upn, officer) in [("AP-2026-0001", "A801200000001", "officer-a"), ("AP-2026-0002", "A801200000002", "officer-a"),
                                           ("AP-2026-0003", "A801200000003", "officer-b"), ("AP-2026-0004", "A801200000004", nil)] {
                try await postgres.query("""
                    INSERT INTO cases (case_id, upn, school_urn, stage, status, urgency, caseworker, flags, opened_by)
                    VALUES (\(caseID), \(upn), '100700', 3, 'open', 'routine', \(officer), '{}'::jsonb, 'tests')
                    """, logger: TestEnvironment.logger)
            }
            for (caseID, detail, due, done) in [("AP-2026-0001", "Severe absence: assign an LA caseworker", "2026-11-24", false),
                                                ("AP-2026-0002", "Monitoring review", "2026-12-02", false),
                                                ("AP-2026-0002", "Support plan review", "2026-12-09", false),
                                                ("AP-2026-0002", "Done already", "2026-11-30", true),
                                                ("AP-2026-0002", "Far off", "2027-01-20", false),
                                                ("AP-2026-0003", "Consider a penalty notice", "2026-12-01", false),
                                                ("AP-2026-0004", "Nobody's yet", "2026-12-01", false)] {
                try await postgres.query("""
                    INSERT INTO tasks (case_id, kind, detail, due, source, done_at) VALUES (\(caseID), 'review', \(detail), \(due), \(UUID().uuidString),
                        CASE WHEN \(done) THEN now() END)
                    """, logger: TestEnvironment.logger)
            }
            let settings = PathwaySettings()
            let first = try await postgres.withTransaction(logger: TestEnvironment.logger) { connection in
                try await WorklistDigest.compose(day: day, settings: settings, on: connection, logger: TestEnvironment.logger)
            }
            let again = try await postgres.withTransaction(logger: TestEnvironment.logger) { connection in
                try await WorklistDigest.compose(day: day, settings: settings, on: connection, logger: TestEnvironment.logger)
            }
            #expect(first == 2 && again == 0, "one digest per officer per day")

            var requests: [NotificationRequested] = []
            for try await payload in try await postgres.query("SELECT payload FROM outbox WHERE topic = 'notification.requests' ORDER BY id",
                                                              logger: TestEnvironment.logger).decode(ByteBuffer.self) {
                requests.append(try EventCodec.decode(NotificationRequested.self, from: Array(payload.readableBytesView)).data)
            }
            #expect(requests.map { $0.fields["recipient"] } == ["officer-a", "officer-b"])
            let officerA = try #require(requests.first)
            #expect(officerA.templateKey == "officer_worklist_digest" && officerA.audience == .laOfficer && officerA.fields["email"] == "officer-a@la.example")
            #expect(officerA.fields["overdue"] == "1" && officerA.fields["dueToday"] == "1" && officerA.fields["upcoming"] == "1")
            #expect(officerA.fields["items"] == """
                AP-2026-0001 (stage 3): Severe absence: assign an LA caseworker, overdue since 2026-11-24
                AP-2026-0002 (stage 3): Monitoring review, due today
                AP-2026-0002 (stage 3): Support plan review, due 2026-12-09
                """)
            #expect(!requests.contains { $0.fields.values.contains { $0.contains("A8012000") } }, "case references, never a UPN")

            // As the officer reads it.
            var values: [String: Any] = officerA.fields
            values["items"] = officerA.fields["items"]!.split(separator: "\n").map(String.init)
            let rendered = try TemplateCatalogue().render("officer_worklist_digest", language: nil, values: values, statutory: false)
            #expect(rendered.subject == "Your attendance worklist for 2026-12-02: 1 overdue, 1 due today")
            #expect(rendered.text.contains("• AP-2026-0001 (stage 3): Severe absence: assign an LA caseworker, overdue since 2026-11-24"))
        }
    }

    @Test func theDigestWaitsForItsTimeOnASchoolDay() throws {
        let at = 7 * 60 + 30
        #expect(WorklistDigest.due(now: try Date("2026-12-02T07:29:00Z", strategy: .iso8601), at: at) == nil)
        #expect(WorklistDigest.due(now: try Date("2026-12-02T07:30:00Z", strategy: .iso8601), at: at) != nil)
        #expect(WorklistDigest.due(now: try Date("2026-12-05T09:00:00Z", strategy: .iso8601), at: at) == nil, "not on a Saturday")
        #expect(WorklistDigest.due(now: try Date("2026-06-16T06:30:00Z", strategy: .iso8601), at: at) != nil, "07:30 BST")
    }
}
