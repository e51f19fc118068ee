@testable import AbsenceDetector
import Foundation
@testable import MeetingScheduler
@testable import NotificationService
@testable import PathwayCoordinator
@testable import RegisterIngest
import ServiceRuntime
import Storage
import TestSupport
import Testing
import Events

@Suite("Every service's migrations and the topic catalogue", .timeLimit(.minutes(2)))
struct ServiceMigrationsTests {
    static let services: [ServiceDescriptor] = [
        RegisterIngest.descriptor, AbsenceDetector.descriptor, PathwayCoordinator.descriptor,
        NotificationService.descriptor, MeetingScheduler.descriptor,
    ]

    @Test func eachServiceHasItsOwnSchemaAndPort() {
        #expect(Self.services.map(\.name) == ["register-ingest", "absence-detector", "pathway-coordinator", "notification", "meeting-scheduler"])
        #expect(Self.services.map(\.defaultHTTPPort) == [8081, 8082, 8083, 8084, 8085])
        #expect(Set(Self.services.map(\.schema)).count == 5)
    }

    @Test("every migration runs twice; the second run changes nothing", arguments: services.map(\.name))
    func migrationsTwice(service: String) async throws {
        let descriptor = Self.services.first { $0.name == service }!
        let schema = TestEnvironment.uniqueSchema(descriptor.schema)
        let migrator = SchemaMigrator(schema: schema, migrations: descriptor.migrations)
        let (first, second) = try await TestEnvironment.withPostgres(schema: schema) { client in
            (try await migrator.apply(using: client, logger: TestEnvironment.logger),
             try await migrator.apply(using: client, logger: TestEnvironment.logger))
        }
        #expect(first == descriptor.migrations.map(\.version))
        #expect(second == [])
    }

    @Test func theStartScriptCreatesExactlyTheCataloguedTopics() throws {
        let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../deploy/local/topics.txt").standardized
        let listed = try String(contentsOf: file, encoding: .utf8).split(separator: "\n")
            .filter { !$0.hasPrefix("#") && !$0.isEmpty }
            .map { line -> String in let parts = line.split(separator: " "); return "\(parts[0]) \(parts[1]) \(parts[2])" }
        #expect(Set(listed) == Set(TopicCatalogue.allTopics.map { "\($0.name) \($0.partitions) \($0.retentionDays.map(String.init) ?? "history")" }))
        #expect(listed.count == TopicCatalogue.allTopics.count)
    }
}
