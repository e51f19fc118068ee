/// One Kafka topic of the platform: who writes it, who reads it, and how it is keyed.
public struct TopicDescription: Sendable, Hashable {
    public let name: String
    public let partitions: Int
    /// What the message key is; every topic is keyed so that one school's events stay in order.
    public let key: String
    public let producers: [String]
    public let consumers: [String]
    public let purpose: String

    /// The dead-letter topic for messages from this topic that a consumer could not process.
    public var deadLetterTopic: String { name + ".dlq" }
}

/// Every topic in one place. deploy/local/topics.txt lists the same names and partition counts for the
/// start script; a test checks that the two agree.
public enum TopicCatalogue {
    public static let misRegisters = TopicDescription(
        name: "mis.registers", partitions: 8, key: "school URN",
        producers: ["MIS connectors"], consumers: ["register-ingest"],
        purpose: "raw register documents streamed by MIS connectors")
    public static let attendanceMarks = TopicDescription(
        name: "attendance.marks", partitions: 8, key: "school URN",
        producers: ["register-ingest"], consumers: ["absence-detector"],
        purpose: "accepted registers and amendments: school, UPN, date, session, code")
    public static let pupilProfiles = TopicDescription(
        name: "pupils.profiles", partitions: 8, key: "school URN",
        producers: ["register-ingest"], consumers: ["absence-detector", "pathway-coordinator", "notification"],
        purpose: "roster identity, flags and family links; no contact details")
    public static let pupilContacts = TopicDescription(
        name: "pupils.contacts", partitions: 4, key: "school URN",
        producers: ["register-ingest"], consumers: ["notification"],
        purpose: "family contact details, for the notification service alone")
    public static let attendanceSignals = TopicDescription(
        name: "attendance.signals", partitions: 8, key: "school URN",
        producers: ["absence-detector"], consumers: ["pathway-coordinator", "notification"],
        purpose: "first-day absence, threshold and pattern signals with their evidence")
    public static let attendanceWatches = TopicDescription(
        name: "attendance.watches", partitions: 4, key: "school URN",
        producers: ["pathway-coordinator"], consumers: ["absence-detector"],
        purpose: "windows the pathway asks the detector to watch (a Notice to Improve, a contract, monitoring)")
    public static let meetingRequests = TopicDescription(
        name: "pathway.meeting-requests", partitions: 2, key: "case id",
        producers: ["pathway-coordinator"], consumers: ["meeting-scheduler"],
        purpose: "requests for an AttendancePathway meeting")
    public static let meetingsBooked = TopicDescription(
        name: "meetings.booked", partitions: 2, key: "case id",
        producers: ["meeting-scheduler"], consumers: ["pathway-coordinator", "notification"],
        purpose: "booked, moved and cancelled AttendancePathway meetings")
    public static let meetingOutcomes = TopicDescription(
        name: "meetings.outcomes", partitions: 2, key: "case id",
        producers: ["meeting-scheduler"], consumers: ["pathway-coordinator"],
        purpose: "the outcome of an AttendancePathway meeting")
    public static let notificationRequests = TopicDescription(
        name: "notification.requests", partitions: 4, key: "school URN",
        producers: ["pathway-coordinator", "meeting-scheduler"], consumers: ["notification"],
        purpose: "messages to send to families, schools and LA staff (meeting invitations with their iCalendar too)")
    public static let notificationDeliveries = TopicDescription(
        name: "notification.deliveries", partitions: 2, key: "case id",
        producers: ["notification"], consumers: ["pathway-coordinator"],
        purpose: "what became of each message about a case (sent, delivered, failed): evidence for the case file")

    /// The topics that carry events, in pipeline order.
    public static let eventTopics: [TopicDescription] = [
        misRegisters, attendanceMarks, pupilProfiles, pupilContacts, attendanceSignals, attendanceWatches,
        meetingRequests, meetingsBooked, meetingOutcomes, notificationRequests, notificationDeliveries,
    ]

    /// Every topic to create, the dead-letter topics (one partition each) included.
    public static var allTopics: [(name: String, partitions: Int)] {
        eventTopics.map { ($0.name, $0.partitions) } + eventTopics.map { ($0.deadLetterTopic, 1) }
    }

    /// The topics a service consumes.
    public static func consumed(by service: String) -> [TopicDescription] {
        eventTopics.filter { $0.consumers.contains(service) }
    }
}
