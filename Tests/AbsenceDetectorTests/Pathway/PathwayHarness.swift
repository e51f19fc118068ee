import AttendanceDomain
import Events
import Foundation
import Hummingbird
import HummingbirdTesting
import Messaging
import ServiceRuntime
import TestSupport
import Testing

/// What the pathway tests do to the services on AccessFixture's broker: send what the detector, the roster
/// and the scheduler would send, read what the coordinator publishes, and call its API with people's tokens.
struct PathwayHarness {
    let services: AccessFixture.Running
    let producer: KafkaProducer
    let school: String
    let upn: String

    var coordinator: any TestClientProtocol { services.others[0] }

    static func with(_ body: @Sendable (PathwayHarness) async throws -> Void) async throws {
        try await AccessFixture.withServices(everyService: true) { services in
            var configuration = KafkaProducerConfiguration(client: KafkaConfiguration(bootstrapServers: "127.0.0.1:\(services.brokerPort)", clientID: "pathway-tests"))
            configuration.deliveryTimeout = .seconds(20)
            let producer = try KafkaProducer(configuration: configuration, logger: TestEnvironment.logger)
            let harness = PathwayHarness(services: services, producer: producer, school: AccessFixture.school(), upn: AccessFixture.upn(Int.random(in: 1...999_999)))
            do { try await body(harness) } catch {
                await producer.shutdown()
                throw error
            }
            await producer.shutdown()
        }
    }

    func send<Payload: Codable & Sendable>(_ data: Payload, type: String, version: Int = 1, topic: TopicDescription, key: String, id: UUID = UUID()) async throws {
        let envelope = EventEnvelope(id: id, type: type, schemaVersion: version, source: "tests", key: key, data: data)
        try await producer.send(KafkaOutgoingMessage(topic: topic.name, key: key, value: try EventCodec.encode(envelope)))
    }

    static let figures = AttendanceSignal.Figures(possibleSessions: 120, present: 102, approvedEducationalActivity: 0, authorisedAbsence: 6,
                                                  unauthorisedAbsence: 12, notCounted: 0, attendanceRate: 85.0)

    func signal(_ kind: AttendanceSignal.Kind, rate: Double = 85.0, sessions: [AttendanceSignal.SessionMark] = [], recoveredFrom: AttendanceSignal.Kind? = nil,
                reason: String? = nil, windowEnd: String? = nil, id: UUID = UUID()) async throws {
        var figures = Self.figures
        figures.attendanceRate = rate
        let signal = AttendanceSignal(kind: kind, schoolUrn: school, upn: upn, academicYear: "2026/27", asOf: "2026-11-20 AM", recoveredFrom: recoveredFrom,
                                      reason: reason ?? "attendance \(rate)% ≤ 90.0%", figures: figures, windowStart: sessions.first?.date,
                                      windowEnd: windowEnd ?? sessions.last?.date, sessions: sessions)
        try await send(signal, type: AttendanceSignal.type, version: AttendanceSignal.version, topic: TopicCatalogue.attendanceSignals, key: school, id: id)
    }

    static let parents = [
        ParentRef(contactId: "C-MUM", relationship: "mother", parentalResponsibility: true, livesWithPupil: true, contactRestricted: false),
        ParentRef(contactId: "C-DAD", relationship: "father", parentalResponsibility: true, livesWithPupil: false, contactRestricted: false),
        ParentRef(contactId: "C-GRAN", relationship: "grandmother", parentalResponsibility: false, livesWithPupil: true, contactRestricted: false),
    ]

    func profile(lookedAfter: Bool = false, socialWorker: Bool = false) async throws {
        var flags = PupilProfile.Flags()
        flags.childLookedAfter = lookedAfter
        flags.hasSocialWorker = socialWorker || lookedAfter
        let profile = PupilProfile(upn: upn, schoolUrn: school, forename: "Amira", surname: "Okafor", dateOfBirth: "2014-03-09", yearGroup: "7",
                                   admissionDate: "2025-09-03", leavingDate: nil, flags: flags, familyId: "F-1", parents: Self.parents)
        try await send(PupilProfilesUpdated(schoolUrn: school, pupils: [profile]), type: PupilProfilesUpdated.type, version: 2,
                       topic: TopicCatalogue.pupilProfiles, key: school)
    }

    // MARK: the API

    func call(_ method: HTTPRequest.Method, _ path: String, as token: String, _ body: String? = nil) async throws -> AccessFixture.Answer {
        try await AccessFixture.call(coordinator, method, path, token: token, body: body)
    }

    func officer() async throws -> String { try await TestIdentity.token([.laOfficer], subject: "officer-1", schools: [school]) }
    func manager(_ subject: String) async throws -> String { try await TestIdentity.token([.laManager], subject: subject) }
    func legal() async throws -> String { try await TestIdentity.token([.legalOfficer], subject: "legal-1") }

    /// Polls the coordinator's API until `check` holds (30 seconds at most); the last answer.
    @discardableResult
    func until(_ path: String, as token: String, _ check: (AccessFixture.Answer) -> Bool) async throws -> AccessFixture.Answer {
        var answer = try await call(.get, path, as: token)
        for _ in 0..<150 where !check(answer) {
            try await Task.sleep(for: .milliseconds(200))
            answer = try await call(.get, path, as: token)
        }
        return answer
    }

    /// The pupil's open case id, once the coordinator has one.
    func caseID() async throws -> String {
        let token = try await manager("finder")
        let answer = try await until("/v1/cases?school=\(school)", as: token) { (($0.json["cases"] as? [[String: Any]]) ?? []).count > 0 }
        let cases = try #require(answer.json["cases"] as? [[String: Any]])
        return try #require(cases.first?["caseId"] as? String)
    }

    func caseView(_ id: String) async throws -> [String: Any] {
        try await call(.get, "/v1/cases/\(id)", as: try await manager("reader")).json
    }

    func complete(_ id: String, stages: [PathwayStage], except skipped: Set<String> = [], as token: String) async throws {
        for stage in stages {
            for item in stage.checklist where !skipped.contains(item.key) {
                let answer = try await call(.put, "/v1/cases/\(id)/checklist/\(stage.rawValue)/\(item.key)", as: token, #"{"state": "done"}"#)
                #expect(answer.status == 200, "\(stage) \(item.key): \(answer.text)")
            }
        }
    }

    /// Support offered to each parent with PR and to the child, each answered.
    func offerSupport(_ id: String, as token: String) async throws {
        for contact in ["\"C-MUM\"", "\"C-DAD\"", "null"] {
            let offer = try await call(.post, "/v1/cases/\(id)/support-offers", as: token, #"{"what": "attendance support plan meeting", "contactId": \#(contact), "offeredOn": "2026-10-01"}"#)
            #expect(offer.status == 201, "\(offer.text)")
            let offerID = try #require(offer.json["id"] as? Int)
            let answer = try await call(.put, "/v1/cases/\(id)/support-offers/\(offerID)", as: token, #"{"response": "declined", "respondedOn": "2026-10-05"}"#)
            #expect(answer.status == 200, "\(answer.text)")
        }
    }

    /// From stage 2 to a referral the panel has received: checklists, offers, assignment, oversight.
    func refer(_ id: String, caseworker: String = "manager-a") async throws -> AccessFixture.Answer {
        let officer = try await officer()
        try await complete(id, stages: [.prevention, .identifyAndUnderstand], as: officer)
        #expect(try await call(.post, "/v1/cases/\(id)/stage", as: officer, #"{"to": 3}"#).status == 200)
        try await complete(id, stages: [.supportChildAndFamily], as: officer)
        try await severe(id)
        #expect(try await call(.post, "/v1/cases/\(id)/stage", as: officer, #"{"to": 4}"#).status == 200)
        try await complete(id, stages: [.formaliseSupport], as: officer)
        try await offerSupport(id, as: officer)
        let assignment = try await call(.put, "/v1/cases/\(id)/assignment", as: officer,
                                        #"{"caseworker": "\#(caseworker)", "leadProfessional": {"subject": "officer-1", "name": "Sam Reid", "service": "la_attendance"}}"#)
        #expect(assignment.status == 200, "\(assignment.text)")
        let oversight = try await call(.post, "/v1/cases/\(id)/oversight", as: try await manager("manager-b"), #"{"decision": "approve", "rationale": "support exhausted and evidenced"}"#)
        #expect(oversight.status == 201, "\(oversight.text)")
        // The sessions the case rests on include unauthorised ones (the figures say 12); a social worker? none here.
        return try await call(.post, "/v1/cases/\(id)/referral", as: officer, Self.answers)
    }

    /// A severe-absence signal, once the case shows it: stage 4 needs no wait for "no improvement" then.
    func severe(_ id: String, rate: Double = 48.0) async throws {
        try await signal(.severeAbsence, rate: rate)
        try await until("/v1/cases/\(id)", as: try await manager("reader")) { (($0.json["case"] as? [String: Any])?["severeAbsence"] as? Bool) == true }
    }

    static let answers = #"{"answers": {"fitsFamilyCircumstances": "yes: no barriers left unaddressed", "bestInterestsOfChild": "yes", "willImproveAttendance": "likely"}}"#

    /// What the coordinator published on a topic, read from the start until `count` events of `type` are seen.
    func published(_ topic: TopicDescription, type: String, count: Int = 1) async throws -> [[String: Any]] {
        try await published(topic, type: type) { $0.count >= count }
    }

    /// What was published on a topic, read from the start until `done` holds for the events of `type` seen (or 30 s).
    func published(_ topic: TopicDescription, type: String, until done: ([[String: Any]]) -> Bool) async throws -> [[String: Any]] {
        var configuration = KafkaConsumerConfiguration(client: KafkaConfiguration(bootstrapServers: "127.0.0.1:\(services.brokerPort)", clientID: "pathway-tests"),
                                                       groupID: "pathway-reader-\(UUID())", topics: [topic.name])
        configuration.statisticsInterval = nil
        let consumer = try KafkaConsumer(configuration: configuration, logger: TestEnvironment.logger)
        var found: [[String: Any]] = []
        let deadline = ContinuousClock.now.advanced(by: .seconds(30))
        while !done(found), ContinuousClock.now < deadline {
            for message in try await consumer.nextBatch().messages {
                guard let json = try JSONSerialization.jsonObject(with: Data(message.value)) as? [String: Any], json["type"] as? String == type,
                      let data = json["data"] as? [String: Any], data["caseId"] as? String != nil || data["upn"] as? String == upn else { continue }
                found.append(data)
            }
        }
        await consumer.close()
        return found
    }
}
