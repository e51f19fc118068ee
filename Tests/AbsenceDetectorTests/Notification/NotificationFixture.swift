import AsyncHTTPClient
import Events
import Foundation
import Logging
import Messaging
import NIOCore
import NIOHTTP1
import PostgresNIO
import ServiceRuntime
import TestSupport
import Testing

/// The notification service as an operator runs it (its binary), on a broker of the test's own, with the two
/// providers it talks to on loopback: an SMTP server (aiosmtpd, STARTTLS and AUTH required, every message kept as
/// a file) and the GOV.UK Notify stand-in (deploy/local/notify-standin.py), each started for the test. The service's
/// clock is a file the test moves (`NOTIFY_CLOCK_FILE`), so 09:30 and 18:00 come when the test says.
final class NotificationFixture: @unchecked Sendable {
    static let apiKey = "tests-00000000-0000-4000-8000-000000000001-11111111-2222-4333-8444-555555555555"
    static let smsTemplate = "00000000-0000-4000-8000-0000000000aa"

    let folder: URL
    let broker: TestBroker
    let schema = TestEnvironment.uniqueSchema("notify")
    let httpPort = TestEnvironment.freePort()
    let smtpPort = TestEnvironment.freePort()
    let notifyPort = TestEnvironment.freePort()
    let producer: KafkaProducer
    let school = String(Int.random(in: 600_000...699_999))
    private(set) var service: Process?
    /// The service's schema, for reading its messages and their status path.
    private(set) var postgres: PostgresClient!
    private var providers: [Process] = []
    var clockFile: URL { folder.appendingPathComponent("clock") }
    var mailbox: URL { folder.appendingPathComponent("mail") }
    var python: String { (TestEnvironment.values["ATTENDANCE_VENV_DIR"] ?? TestEnvironment.projectRoot.appendingPathComponent(".venv").path) + "/bin/python" }

    private init(folder: URL, broker: TestBroker, producer: KafkaProducer) {
        self.folder = folder
        self.broker = broker
        self.producer = producer
    }

    static func with(_ body: @Sendable (NotificationFixture) async throws -> Void) async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("notify-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("mail"), withIntermediateDirectories: true)
        let broker = try await TestBroker(port: TestEnvironment.freePort(), topics: TopicCatalogue.eventTopics.map(\.name), logger: TestEnvironment.logger)
        var configuration = KafkaProducerConfiguration(client: KafkaConfiguration(bootstrapServers: "127.0.0.1:\(broker.port)", clientID: "notification-tests"))
        configuration.deliveryTimeout = .seconds(20)
        let producer = try KafkaProducer(configuration: configuration, logger: TestEnvironment.logger)
        let fixture = NotificationFixture(folder: folder, broker: broker, producer: producer)
        defer {
            // SIGKILL: the test process ignores SIGTERM (service-lifecycle's handlers) and its children inherit that, so a
            // terminate() left the SMTP server and the Notify stand-in running after every test.
            for process in fixture.providers where process.isRunning { kill(process.processIdentifier, SIGKILL) }
            broker.stop()
            try? FileManager.default.removeItem(at: folder)
        }
        try await TestEnvironment.withPostgres(schema: fixture.schema) { postgres in
            fixture.postgres = postgres
            // The service stops before its schema is dropped (a DROP would wait behind its locks).
            do {
                try await fixture.startProviders()
                try await body(fixture)
            } catch {
                await fixture.stopService()
                await producer.shutdown()
                throw error
            }
            await fixture.stopService()
            await producer.shutdown()
        }
    }

    // MARK: processes

    private func startProviders() async throws {
        let cert = folder.appendingPathComponent("cert.pem").path, key = folder.appendingPathComponent("key.pem").path
        let openssl = Process()
        openssl.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        openssl.arguments = ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=localhost",
                             "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1", "-keyout", key, "-out", cert]
        openssl.standardError = FileHandle.nullDevice
        openssl.standardOutput = FileHandle.nullDevice
        try await ServiceBinary.runToEnd(openssl, seconds: 60)
        let scripts = TestEnvironment.projectRoot.appendingPathComponent("deploy/local")
        providers.append(try run(python, [scripts.appendingPathComponent("smtp-server.py").path, "--port", "\(smtpPort)", "--mailbox", mailbox.path,
                                          "--cert", cert, "--key", key, "--user", "notification", "--password", "test-relay-password"], log: "smtp.log"))
        providers.append(try run(python, [scripts.appendingPathComponent("notify-standin.py").path, "--port", "\(notifyPort)",
                                          "--state", folder.appendingPathComponent("notify").path, "--api-key", Self.apiKey], log: "notify.log"))
        for port in [smtpPort, notifyPort] {
            var up = false
            for _ in 0..<100 where !up {
                up = (try? await ClientBootstrapProbe.connects(port: port)) ?? false
                if !up { try await Task.sleep(for: .milliseconds(100)) }
            }
            #expect(up, "a provider did not start on port \(port): \(log("smtp.log")) \(log("notify.log"))")
        }
    }

    private func run(_ executable: String, _ arguments: [String], log: String) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let file = folder.appendingPathComponent(log)
        _ = FileManager.default.createFile(atPath: file.path, contents: nil)
        let handle = try FileHandle(forWritingTo: file)
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        return process
    }

    func log(_ name: String) -> String { (try? String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)) ?? "" }

    var environment: [String: String] {
        get async throws {
            TestEnvironment.serviceEnvironment(overrides: [
                "KAFKA_BOOTSTRAP_SERVERS": "127.0.0.1:\(broker.port)", "POSTGRES_SCHEMA": schema, "HTTP_PORT": "\(httpPort)",
                "NOTIFICATION_CONSUMER_GROUP": "\(schema)-group", "LOG_FORMAT": "text", "LOG_LEVEL": "info",
                "SMTP_HOST": "localhost", "SMTP_PORT": "\(smtpPort)", "SMTP_USERNAME": "notification", "SMTP_PASSWORD": "test-relay-password",
                "SMTP_CA_FILE": folder.appendingPathComponent("cert.pem").path,
                "NOTIFY_API_URL": "http://127.0.0.1:\(notifyPort)", "NOTIFY_API_KEY": Self.apiKey, "NOTIFY_SMS_TEMPLATE_ID": Self.smsTemplate,
                "NOTIFY_CLOCK_FILE": clockFile.path, "NOTIFY_POLL_MILLISECONDS": "200", "NOTIFY_SEND_LEASE_SECONDS": "3", "NOTIFY_RECEIPT_POLL_SECONDS": "1",
                "NOTIFY_VIRTUAL_SCHOOL_EMAIL": "virtual.school@la.example",
            ]).merging(try await TestIdentity.environment()) { $1 }
        }
    }

    /// Starts (or restarts) the service and waits until it is ready.
    func startService() async throws {
        let (process, logFile) = try ServiceBinary.launchLogged("notification", environment: try await environment)
        service = process
        serviceLog = logFile
        let ready = try await ServiceBinary.waitUntilReady(port: httpPort, process: process)
        #expect(ready == 200, "notification did not become ready: \(serviceOutput)")
    }

    private(set) var serviceLog: URL?
    var serviceOutput: String { serviceLog.flatMap { try? String(contentsOf: $0, encoding: .utf8) } ?? "" }

    /// SIGKILL: no graceful shutdown, no chance to mark anything.
    func killService() async {
        guard let service, service.isRunning else { return }
        kill(service.processIdentifier, SIGKILL)
        _ = await ServiceBinary.waitForExit(service, seconds: 10)
    }

    func stopService() async {
        guard let service else { return }
        await ServiceBinary.stop(service)
    }

    // MARK: what the other services would send

    func setClock(_ iso: String) throws {
        try Data(iso.utf8).write(to: clockFile, options: .atomic)
    }

    func send<Payload: Codable & Sendable>(_ data: Payload, type: String, version: Int, topic: TopicDescription, id: UUID = UUID()) async throws {
        let envelope = EventEnvelope(id: id, type: type, schemaVersion: version, source: "tests", key: school, data: data)
        try await producer.send(KafkaOutgoingMessage(topic: topic.name, key: school, value: try EventCodec.encode(envelope)))
    }

    func pupil(_ upn: String, forename: String, lookedAfter: Bool = false, contacts: [PupilContact]) async throws {
        var flags = PupilProfile.Flags()
        flags.childLookedAfter = lookedAfter
        flags.hasSocialWorker = lookedAfter
        let profile = PupilProfile(upn: upn, schoolUrn: school, forename: forename, surname: "Test", dateOfBirth: "2014-03-09", yearGroup: "7",
                                   admissionDate: "2025-09-03", leavingDate: nil, flags: flags, familyId: nil, parents: nil)
        try await send(PupilProfilesUpdated(schoolUrn: school, pupils: [profile]), type: PupilProfilesUpdated.type, version: PupilProfilesUpdated.version,
                       topic: TopicCatalogue.pupilProfiles)
        try await send(PupilContactsUpdated(schoolUrn: school, pupils: [.init(upn: upn, contacts: contacts)]), type: PupilContactsUpdated.type,
                       version: PupilContactsUpdated.version, topic: TopicCatalogue.pupilContacts)
    }

    func signal(_ kind: AttendanceSignal.Kind, upn: String, session: String, rate: Double = 100, id: UUID = UUID()) async throws {
        let figures = AttendanceSignal.Figures(possibleSessions: 100, present: Int(rate), approvedEducationalActivity: 0, authorisedAbsence: 0,
                                               unauthorisedAbsence: 100 - Int(rate), notCounted: 0, attendanceRate: rate)
        let signal = AttendanceSignal(kind: kind, schoolUrn: school, upn: upn, academicYear: "2026/27", asOf: session, reason: "\(kind.rawValue) in a test",
                                      figures: figures, sessions: [])
        try await send(signal, type: AttendanceSignal.type, version: AttendanceSignal.version, topic: TopicCatalogue.attendanceSignals, id: id)
    }

    // MARK: what came out

    /// The school's details, as an LA manager records them.
    func recordSchool() async throws {
        let token = try await TestIdentity.token([.laManager], subject: "manager-1")
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(httpPort)/v1/schools/\(school)")
        request.method = .PUT
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(string: #"{"name": "Hillside Primary", "phone": "01632 960123", "leadEmail": "attendance.lead@hillside.example"}"#))
        let answer = await ServiceBinary.status(of: request)
        #expect(answer?.0 == 200, "PUT /v1/schools: \(answer.map { String(decoding: $0.1, as: UTF8.self) } ?? "no answer")")
    }

    func get(_ path: String, token: String) async throws -> (status: Int, json: [String: Any]) {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(httpPort)\(path)")
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        let answer = await ServiceBinary.status(of: request)
        return (answer?.0 ?? 0, answer.flatMap { try? JSONSerialization.jsonObject(with: $0.1) as? [String: Any] } ?? [:])
    }

    /// What the Notify stand-in was sent (its own record of the wire).
    func notifySent() async -> [[String: Any]] {
        guard let (_, body) = await ServiceBinary.status(of: HTTPClientRequest(url: "http://127.0.0.1:\(notifyPort)/_standin/notifications")),
              let json = try? JSONSerialization.jsonObject(with: body) as? [String: Any] else { return [] }
        return json["notifications"] as? [[String: Any]] ?? []
    }

    func standIn(_ path: String, _ body: String) async {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(notifyPort)\(path)")
        request.method = .POST
        request.body = .bytes(ByteBuffer(string: body))
        _ = await ServiceBinary.status(of: request)
    }

    func mails() -> [URL] {
        ((try? FileManager.default.contentsOfDirectory(at: mailbox, includingPropertiesForKeys: nil)) ?? [])
            .filter { $0.pathExtension == "eml" }.sorted { $0.lastPathComponent < $1.lastPathComponent }
    }

    /// Runs one of the tests' Python readers and decodes its JSON.
    func python(_ script: String, _ files: [String]) async throws -> [[String: Any]] {
        let output = folder.appendingPathComponent("out-\(UUID().uuidString.prefix(6)).json")
        _ = FileManager.default.createFile(atPath: output.path, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [TestEnvironment.projectRoot.appendingPathComponent("Tests/Tools/mime/\(script)").path] + files
        process.standardOutput = try FileHandle(forWritingTo: output)
        try await ServiceBinary.runToEnd(process)
        return (try JSONSerialization.jsonObject(with: Data(contentsOf: output)) as? [[String: Any]]) ?? []
    }

    /// `status` of each message about `upn`, with its channel and template, oldest first.
    func messages(_ upn: String) async throws -> [(template: String, audience: String, channel: String, status: String, contact: String?)] {
        let rows = try await postgres.query("SELECT template_key, audience, channel, status, contact_key FROM messages WHERE upn = \(upn) ORDER BY id",
                                            logger: TestEnvironment.logger)
        var found: [(String, String, String, String, String?)] = []
        for try await row in rows.decode((String, String, String, String, String?).self) { found.append(row) }
        return found.map { ($0.0, $0.1, $0.2, $0.3, $0.4) }
    }

    /// Polls until `check` holds. 90 s: letters are printed by headless Chromium, slow on two cores running every suite.
    func eventually(seconds: Double = 90, _ check: () async throws -> Bool) async throws -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if try await check() { return true }
            try await Task.sleep(for: .milliseconds(200))
        }
        return try await check()
    }
}

/// Whether something listens on a loopback port.
enum ClientBootstrapProbe {
    static func connects(port: Int) async throws -> Bool {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
    }
}
