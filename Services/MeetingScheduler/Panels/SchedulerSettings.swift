import ServiceRuntime

/// The LA's settings for the panel (shared/PATHWAY.md §3, [LA] values).
struct SchedulerSettings: Sendable, Equatable {
    /// `SCHEDULER_LEAD_WORKING_DAYS`: a referral is booked into a session at least this many working days after acceptance.
    var leadWorkingDays = 3
    /// `SCHEDULER_MOVE_WORKING_DAYS`: the lead professional may move a booking up to this many working days before it.
    var moveWorkingDays = 2
    /// `SCHEDULER_BREACH_WORKING_DAYS`: accepted and still not booked after this long: on the breach list.
    var breachWorkingDays = 15
    /// `SCHEDULER_LA_DOMAIN`: the calendar UIDs' domain and the staff mail domain (`subject@domain`).
    var domain = "la.example"
    /// `SCHEDULER_PORTAL_URL`: where a calendar event links (the case's page in the LA portal).
    var portalURL = "http://127.0.0.1:8086"
    /// `SCHEDULER_PANEL_MAILBOX`: the ORGANIZER of every invitation.
    var panelMailbox = "attendancepathway@la.example"

    init() {}

    init(environment: EnvironmentReader) throws(ConfigurationError) {
        leadWorkingDays = try environment.int("SCHEDULER_LEAD_WORKING_DAYS", default: 3, range: 0...20, expected: "working days from 0 to 20")
        moveWorkingDays = try environment.int("SCHEDULER_MOVE_WORKING_DAYS", default: 2, range: 0...10, expected: "working days from 0 to 10")
        breachWorkingDays = try environment.int("SCHEDULER_BREACH_WORKING_DAYS", default: 15, range: 1...60, expected: "working days from 1 to 60")
        domain = environment.string("SCHEDULER_LA_DOMAIN", default: "la.example")
        portalURL = environment.string("SCHEDULER_PORTAL_URL", default: "http://127.0.0.1:8086")
        panelMailbox = environment.string("SCHEDULER_PANEL_MAILBOX", default: "attendancepathway@\(domain)")
    }

    func email(_ subject: String) -> String { subject.contains("@") ? subject : "\(subject)@\(domain)" }
}
