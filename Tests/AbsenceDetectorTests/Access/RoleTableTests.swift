import Foundation
import Hummingbird
import PostgresNIO
import ServiceRuntime
import TestSupport
import Testing

/// The README's table of endpoints and roles, walked: every role against every endpoint.
@Suite("the README's role table holds", .serialized, .timeLimit(.minutes(3)))
struct RoleTableTests {
    struct Row {
        let service: String
        let method: String
        let path: String
        let roles: Set<String>
    }

    /// The rows of the table headed `| service | endpoint | roles | scope |`.
    static func table() throws -> [Row] {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let readme = try String(contentsOf: root.appendingPathComponent("README.md"), encoding: .utf8)
        let lines = readme.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard let header = lines.firstIndex(of: "| service | endpoint | roles | scope |") else { return [] }
        return lines[(header + 2)...].prefix { $0.hasPrefix("|") }.map { line in
            let cells = line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
            let endpoint = cells[1].trimmingCharacters(in: CharacterSet(charactersIn: "`")).split(separator: " ")
            return Row(service: cells[0], method: String(endpoint[0]), path: String(endpoint[1]),
                       roles: Set(cells[2].split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }))
        }
    }

    /// What each placeholder of the table's paths becomes: a pupil and a school of the test, records that do not exist.
    static func placeholders(pupil: String, school: String) -> [String: String] {
        ["{upn}": pupil, "{urn}": school, "{school}": school, "{date}": "2026-09-07", "{session}": "AM", "{id}": "AP-2000-0001", "{stage}": "2",
         "{item}": "barriers_identified", "{offer}": "1", "{target}": "1", "{contract}": "AC-AP-2000-0001-1-C-1", "{referral}": "R-AP-2000-0001-1",
         "{booking}": "00000000-0000-0000-0000-000000000000", "{meeting}": "00000000-0000-0000-0000-000000000000", "{round}": "TSM-none", "{label}": "nothing", "{notice}": "PN-AP-2000-0001-1", "{contact}": "C-1",
         "{sha256}": String(repeating: "0", count: 64)]
    }

    @Test func everyRoleGetsWhatTheTableSays() async throws {
        let rows = try Self.table()
        #expect(rows.count >= 13, "the README's table was not found or is short")
        #expect(Set(rows.flatMap(\.roles)).isSubset(of: Set(Role.allCases.map(\.rawValue))))
        try await AccessFixture.withServices(everyService: true) { services in
            let school = AccessFixture.school(), pupil = AccessFixture.upn(Int.random(in: 1...999_999))
            // A connector token stored in the detector too, so that mis_connector is tried there as well.
            try await services.detectorPostgres.query("""
                INSERT INTO access_tokens (token_sha256, la_wide, label, expires_at) VALUES (\(ConnectorTokens.hash(AccessFixture.connectorToken)), true, 'walk', now() + interval '1 day')
                """, logger: TestEnvironment.logger)
            var tokens: [String: String] = ["mis_connector": AccessFixture.connectorToken]
            for role in Role.allCases where role != .misConnector {
                tokens[role.rawValue] = try await TestIdentity.token([role], subject: "walk-\(role.rawValue)", schools: [school], pupils: [pupil])
            }
            var walked = 0
            for row in rows {
                let clients = switch row.service {
                case "register-ingest": [services.ingest]
                case "absence-detector": [services.detector]
                case "pathway-coordinator": [services.others[0]]
                case "notification": [services.others[1]]
                case "meeting-scheduler": [services.others[2]]
                default: [services.ingest, services.detector] + services.others
                }
                var path = row.path
                for (placeholder, value) in Self.placeholders(pupil: pupil, school: school) {
                    path = path.replacingOccurrences(of: placeholder, with: value)
                }
                let method: HTTPRequest.Method = switch row.method {
                case "GET": .get
                case "POST": .post
                case "PUT": .put
                case "PATCH": .patch
                default: .options
                }
                for client in clients {
                    let anonymous = try await AccessFixture.call(client, method, path, token: nil, body: "{}")
                    #expect(anonymous.status == 401, "\(row.method) \(row.path) without a token: \(anonymous.status)")
                    for (role, token) in tokens.sorted(by: { $0.key < $1.key }) {
                        let answer = try await AccessFixture.call(client, method, path, token: token, body: "{}")
                        if row.roles.contains(role) {
                            // Through the gate: answered (200), or refused for the empty body or the unknown pupil (400, 404, 422).
                            #expect([200, 400, 404, 422].contains(answer.status), "\(role) on \(row.method) \(row.path): \(answer.status) \(answer.text)")
                        } else {
                            #expect(answer.status == 403, "\(role) on \(row.method) \(row.path): \(answer.status) \(answer.text)")
                        }
                        walked += 1
                    }
                }
            }
            #expect(walked == rows.reduce(0) { $0 + ($1.service == "every service" ? 5 : 1) } * tokens.count)
            // Every one of those calls had a caller, so the two pipeline services' audits hold every call made to them.
            let audited = try await AccessFixture.count("SELECT count(*) FROM access_audit WHERE subject LIKE 'walk-%' OR subject LIKE 'connector:%'", services.ingestPostgres)
                + AccessFixture.count("SELECT count(*) FROM access_audit WHERE subject LIKE 'walk-%' OR subject LIKE 'connector:%'", services.detectorPostgres)
            let everyServiceRows = rows.filter { $0.service == "every service" }.count
            let coordinatorRows = rows.filter { ["pathway-coordinator", "notification", "meeting-scheduler"].contains($0.service) }.count
            #expect(audited == walked - (3 * everyServiceRows + coordinatorRows) * tokens.count)
        }
    }
}
