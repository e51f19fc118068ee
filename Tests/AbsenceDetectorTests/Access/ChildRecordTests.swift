import Foundation
import Hummingbird
import PostgresNIO
import ServiceRuntime
import TestSupport
import Testing

/// Two siblings at two schools through the real pipeline: what each reader sees of them, the audit of every
/// read (refusals too), subject access across both services, and erasure that leaves no name, birth date or
/// contact of the erased pupil anywhere, the other sibling untouched.
@Suite("a child's record: scope, audit, subject access and erasure", .serialized, .timeLimit(.minutes(3)))
struct ChildRecordTests {
    struct Pupil {
        let upn: String
        let school: String
        let forename: String
        let surname: String
        let birth: String
        let email: String
        let mobile: String
        let family: String

        var roster: String {
            """
            {"pupils": [{"upn": "\(upn)", "forename": "\(forename)", "surname": "\(surname)", "dateOfBirth": "\(birth)", "yearGroup": "5",
              "admissionDate": "2021-09-01", "flags": {"senSupport": true, "freeSchoolMeals": true}, "familyId": "\(family)",
              "contacts": [{"name": "Parent \(surname)", "relationship": "mother", "parentalResponsibility": true, "email": "\(email)",
                            "mobile": "\(mobile)", "preferredLanguage": "pl", "preferredChannel": "sms"}]}]}
            """
        }

        /// Everything that identifies or reaches this child.
        var personal: [String] { [forename, surname, birth, email, mobile, "Parent \(surname)"] }
    }

    @Test func eachReaderSeesTheirOwnAndEveryReadIsAccountedFor() async throws {
        // Half-siblings: one family, two surnames, so that what is erased of one is not the other's too.
        let serial = Int.random(in: 1000...9999), family = "FAM-\(serial)"
        let a = Pupil(upn: AccessFixture.upn(Int.random(in: 1...499_999)), school: AccessFixture.school(), forename: "Zelda", surname: "Quintrell\(serial)",
                      birth: "2015-02-03", email: "zq\(serial)@example.org", mobile: "07700 900456", family: family)
        let b = Pupil(upn: AccessFixture.upn(Int.random(in: 500_000...999_999)), school: AccessFixture.school(), forename: "Yorick", surname: "Marsh\(serial)",
                      birth: "2017-06-07", email: "ym\(serial)@example.org", mobile: "07700 900789", family: family)
        try await AccessFixture.withServices { services in
            let ingest = services.ingest, detector = services.detector, connector = AccessFixture.connectorToken
            for pupil in [a, b] {
                let stored = try await AccessFixture.call(ingest, .put, "/v1/schools/\(pupil.school)/pupils", token: connector, body: pupil.roster)
                #expect(stored.status == 200, "\(stored.text)")
            }
            // The detector must know the family before the marks arrive, or there is no pattern to see.
            #expect(try await AccessFixture.waitFor("SELECT count(*) FROM pupil_profiles WHERE family_id = '\(family)'", atLeast: 2, services.detectorPostgres))
            for pupil in [a, b] {
                let register = #"{"schoolUrn": "\#(pupil.school)", "date": "2026-09-07", "session": "AM", "marks": [{"upn": "\#(pupil.upn)", "code": "N"}]}"#
                #expect(try await AccessFixture.call(ingest, .post, "/v1/registers", token: connector, body: register).status == 200)
            }
            #expect(try await AccessFixture.waitFor("SELECT count(*) FROM signals WHERE kind = 'pattern' AND upn IN ('\(a.upn)', '\(b.upn)')", services.detectorPostgres))
            // The connector's writes are audited once each, in their own transactions.
            for action in ["PUT /v1/schools/{urn}/pupils", "POST /v1/registers"] {
                #expect(try await AccessFixture.count("""
                    SELECT count(*) FROM access_audit WHERE subject = 'connector:environment' AND action = '\(action)' AND status = 200 AND pupils @> ARRAY['\(a.upn)']
                    """, services.ingestPostgres) == 1, "\(action)")
            }

            // A school's lead: their own pupil, not the sibling at the other school (404, audited with the refusal).
            let leadA = try await TestIdentity.token([.schoolLead], subject: "lead-a", schools: [a.school])
            #expect(try await AccessFixture.call(detector, .get, "/v1/pupils/\(a.upn)/attendance", token: leadA).status == 200)
            let refused = try await AccessFixture.call(detector, .get, "/v1/pupils/\(b.upn)/attendance", token: leadA)
            #expect(refused.status == 404)
            #expect(try await AccessFixture.count("""
                SELECT count(*) FROM access_audit WHERE subject = 'lead-a' AND status = 404 AND pupils @> ARRAY['\(b.upn)'] AND refusal IS NOT NULL
                  AND action = 'GET /v1/pupils/{upn}/attendance'
                """, services.detectorPostgres) == 1)
            #expect(try await AccessFixture.call(detector, .get, "/v1/schools/\(b.school)/signals", token: leadA).status == 404)

            // The pattern signal: each lead sees it without the sibling of the other school; an LA manager sees both.
            for (lead, own, other) in [("lead-a", a, b), ("lead-b", b, a)] {
                let token = try await TestIdentity.token([.schoolLead], subject: lead, schools: [own.school])
                let signals = try await AccessFixture.call(detector, .get, "/v1/schools/\(own.school)/signals?kind=pattern", token: token)
                #expect(signals.status == 200)
                #expect(!signals.text.contains(other.upn) && !signals.text.contains(other.school), "\(lead) sees \(signals.text)")
                let pupil = try await AccessFixture.call(detector, .get, "/v1/pupils/\(own.upn)/attendance", token: token)
                #expect(!pupil.text.contains(other.upn) && !pupil.text.contains(other.school), "\(lead) sees \(pupil.text)")
            }
            let manager = try await TestIdentity.token([.laManager], subject: "manager")
            let all = try await AccessFixture.call(detector, .get, "/v1/signals?kind=pattern", token: manager)
            let patterns = try #require(all.json["signals"] as? [[String: Any]])
            let siblings = patterns.compactMap { $0["siblings"] as? [[String: Any]] }.flatMap { $0 }.compactMap { $0["upn"] as? String }
            #expect(!siblings.isEmpty && Set(siblings).isSubset(of: [a.upn, b.upn]))

            // An auditor finds the refusal by pupil; nobody else reads the audit; no one can change it.
            let auditor = try await TestIdentity.token([.auditor], subject: "auditor")
            let audit = try await AccessFixture.call(detector, .get, "/v1/audit?pupil=\(b.upn)", token: auditor)
            let entries = try #require(audit.json["entries"] as? [[String: Any]])
            #expect(entries.contains { $0["subject"] as? String == "lead-a" && $0["status"] as? Int == 404 })
            #expect(try await AccessFixture.call(detector, .get, "/v1/audit?pupil=\(b.upn)", token: manager).status == 403)
            for change in ["UPDATE access_audit SET status = 200 WHERE subject = 'lead-a'", "DELETE FROM access_audit WHERE subject = 'lead-a'",
                           "TRUNCATE access_audit"] {
                await #expect(throws: (any Error).self, "\(change)") {
                    try await services.detectorPostgres.query(PostgresQuery(unsafeSQL: change), logger: TestEnvironment.logger)
                }
            }
            // The retention housekeeping deletes what is older than the retention, nothing younger.
            try await services.detectorPostgres.query("""
                INSERT INTO access_audit (at, subject, token_id, roles, action, status) VALUES (now() - interval '2 hours', 'old', 'old', '{}', 'GET /old', 200)
                """, logger: TestEnvironment.logger)
            #expect(try await AccessAudit.deleteExpired(olderThan: .seconds(3600), on: services.detectorPostgres, logger: TestEnvironment.logger) == 1)
            #expect(try await AccessFixture.count("SELECT count(*) FROM access_audit WHERE subject = 'lead-a'", services.detectorPostgres) > 0)

            // Subject access: every service's data about pupil A, marks, figures and signals among them.
            let exportedIngest = try await AccessFixture.call(ingest, .get, "/v1/admin/pupils/\(a.upn)/export", token: manager)
            let exportedDetector = try await AccessFixture.call(detector, .get, "/v1/admin/pupils/\(a.upn)/export", token: manager)
            #expect(exportedIngest.status == 200 && exportedDetector.status == 200)
            let ingestTables = try #require(exportedIngest.json["tables"] as? [String: [[String: Any]]])
            let detectorTables = try #require(exportedDetector.json["tables"] as? [String: [[String: Any]]])
            #expect(ingestTables["marks"]?.first?["code"] as? String == "N")
            #expect(ingestTables["pupils"]?.count == 1 && exportedIngest.text.contains(a.forename))
            #expect(detectorTables["pupil_state"]?.first?["possible_sessions"] as? Int == 1)
            #expect(detectorTables["signals"]?.contains { $0["kind"] as? String == "first_day_absence" } == true)
            #expect(detectorTables["access_audit"]?.isEmpty == false)

            // Erasure on every service: no name, birth date or contact of A in any table or outbox row; B kept.
            for client in [ingest, detector] {
                let erased = try await AccessFixture.call(client, .post, "/v1/admin/pupils/\(a.upn)/erasure", token: manager)
                #expect(erased.status == 200, "\(erased.text)")
            }
            for (schema, postgres) in [(services.ingestSchema, services.ingestPostgres), (services.detectorSchema, services.detectorPostgres)] {
                for value in a.personal {
                    #expect(try await Self.tablesHolding(value, schema: schema, postgres) == [], "\(value) is still in \(schema)")
                }
            }
            #expect(try await Self.tablesHolding(b.forename, schema: services.ingestSchema, services.ingestPostgres).contains("pupils"))
            #expect(try await Self.tablesHolding(b.email, schema: services.ingestSchema, services.ingestPostgres).contains("outbox"))
            // The register stays: the law requires it.
            #expect(try await AccessFixture.count("SELECT count(*) FROM marks WHERE upn = '\(a.upn)'", services.ingestPostgres) == 1)
        }
    }

    /// The tables of `schema` with a row whose text (an outbox payload decoded) contains `value`.
    static func tablesHolding(_ value: String, schema: String, _ postgres: PostgresClient) async throws -> [String] {
        let rows = try await postgres.query("SELECT table_name FROM information_schema.tables WHERE table_schema = \(schema) AND table_type = 'BASE TABLE'",
                                            logger: TestEnvironment.logger)
        var tables: [String] = []
        for try await table in rows.decode(String.self) { tables.append(table) }
        var holding: [String] = []
        for table in tables.sorted() {
            let text = table == "outbox" ? "convert_from(t.payload, 'UTF8') || coalesce(t.headers::text, '')" : "t::text"
            let escaped = value.replacingOccurrences(of: "'", with: "''")
            if try await AccessFixture.count("SELECT count(*) FROM \(table) t WHERE position('\(escaped)' in \(text)) > 0", postgres) > 0 { holding.append(table) }
        }
        return holding
    }
}
