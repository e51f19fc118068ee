/// One Kafka topic of the platform: who writes it, who reads it, and how it is keyed.
public struct TopicDescription: Sendable, Hashable {
    public let name: String
    public let partitions: Int
    /// What the message key is; every topic is keyed so that one school's events stay in order.
    public let key: String
    public let producers: [String]
    public let consumers: [String]
    public let purpose: String
    /// How long the broker keeps its events: days, or nil for the LA's history retention (the registers' legal
    /// retention: what `absence-detector rebuild` replays, so it must outlive every derived table).
    public let retentionDays: Int?

    public init(name: String, partitions: Int, key: String, producers: [String], consumers: [String], purpose: String, retentionDays: Int?) {
        self.name = name
        self.partitions = partitions
        self.key = key
        self.producers = producers
        self.consumers = consumers
        self.purpose = purpose
        self.retentionDays = retentionDays
    }

    /// The dead-letter topic for messages from this topic that a consumer could not process.
    public var deadLetterTopic: String { name + ".dlq" }

    /// Dead letters wait this long for an operator to replay or drop them.
    public static let deadLetterRetentionDays = 30
}

/// Every topic in one place. deploy/local/topics.txt lists the same names, partition counts and retentions for the
/// start script, docker-compose's topic job and the Kubernetes Job; a test checks that they agree.
///
/// Retention: the registers and marks, and the roster profiles, for the LA's history retention (they are the record the
/// detector is rebuilt from; profiles are keyed by school and a roster is several events, so compaction would lose
/// pupils); contact details 30 days (notification keeps its own copy; the fewer copies of a family's address the
/// better); derived and pathway events a year; message requests 30 days and delivery reports 90.
public enum TopicCatalogue {
    public static let misRegisters = TopicDescription(
        name: "mis.registers", partitions: 8, key: "school URN",
        producers: ["MIS connectors"], consumers: ["register-ingest"],
        purpose: "raw register documents streamed by MIS connectors", retentionDays: nil)
    public static let attendanceMarks = TopicDescription(
        name: "attendance.marks", partitions: 8, key: "school URN",
        producers: ["register-ingest"], consumers: ["absence-detector"],
        purpose: "accepted registers and amendments: school, UPN, date, session, code", retentionDays: nil)
    public static let pupilProfiles = TopicDescription(
        name: "pupils.profiles", partitions: 8, key: "school URN",
        producers: ["register-ingest"], consumers: ["absence-detector", "pathway-coordinator", "notification"],
        purpose: "roster identity, flags and family links; no contact details", retentionDays: nil)
    public static let pupilContacts = TopicDescription(
        name: "pupils.contacts", partitions: 4, key: "school URN",
        producers: ["register-ingest"], consumers: ["notification"],
        purpose: "family contact details, for the notification service alone", retentionDays: 30)
    public static let attendanceSignals = TopicDescription(
        name: "attendance.signals", partitions: 8, key: "school URN",
        producers: ["absence-detector"], consumers: ["pathway-coordinator", "notification"],
        purpose: "first-day absence, threshold and pattern signals with their evidence", retentionDays: 365)
    public static let attendanceWatches = TopicDescription(
        name: "attendance.watches", partitions: 4, key: "school URN",
        producers: ["pathway-coordinator"], consumers: ["absence-detector"],
        purpose: "windows the pathway asks the detector to watch (a Notice to Improve, a contract, monitoring)", retentionDays: 365)
    public static let meetingRequests = TopicDescription(
        name: "pathway.meeting-requests", partitions: 2, key: "case id",
        producers: ["pathway-coordinator"], consumers: ["meeting-scheduler"],
        purpose: "requests for an AttendancePathway meeting", retentionDays: 365)
    public static let meetingsBooked = TopicDescription(
        name: "meetings.booked", partitions: 2, key: "case id",
        producers: ["meeting-scheduler"], consumers: ["pathway-coordinator", "notification"],
        purpose: "booked, moved and cancelled AttendancePathway meetings", retentionDays: 365)
    public static let meetingOutcomes = TopicDescription(
        name: "meetings.outcomes", partitions: 2, key: "case id",
        producers: ["meeting-scheduler"], consumers: ["pathway-coordinator"],
        purpose: "the outcome of an AttendancePathway meeting", retentionDays: 365)
    public static let notificationRequests = TopicDescription(
        name: "notification.requests", partitions: 4, key: "school URN",
        producers: ["pathway-coordinator", "meeting-scheduler"], consumers: ["notification"],
        purpose: "messages to send to families, schools and LA staff (meeting invitations with their iCalendar too)", retentionDays: 30)
    public static let notificationDeliveries = TopicDescription(
        name: "notification.deliveries", partitions: 2, key: "case id",
        producers: ["notification"], consumers: ["pathway-coordinator"],
        purpose: "what became of each message about a case (sent, delivered, failed): evidence for the case file", retentionDays: 90)

    /// The topics that carry events, in pipeline order.
    public static let eventTopics: [TopicDescription] = [
        misRegisters, attendanceMarks, pupilProfiles, pupilContacts, attendanceSignals, attendanceWatches,
        meetingRequests, meetingsBooked, meetingOutcomes, notificationRequests, notificationDeliveries,
    ]

    /// Every topic to create, the dead-letter topics (one partition each) included, with its retention in days
    /// (nil: the LA's history retention).
    public static var allTopics: [(name: String, partitions: Int, retentionDays: Int?)] {
        eventTopics.map { ($0.name, $0.partitions, $0.retentionDays) }
            + eventTopics.map { ($0.deadLetterTopic, 1, TopicDescription.deadLetterRetentionDays) }
    }

    /// The topics a service consumes.
    public static func consumed(by service: String) -> [TopicDescription] {
        eventTopics.filter { $0.consumers.contains(service) }
    }
}
