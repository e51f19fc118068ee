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

    /// `SCHEDULER_ACCEPT_WORKING_DAYS`: the chair accepts or returns a request within this many working days.
    var acceptWorkingDays = 2
    /// `SCHEDULER_AGENDA_WORKING_DAYS`: the panel's papers (its agenda) go out this many working days before a session.
    var agendaWorkingDays = 2
    /// `SCHEDULER_WEEKLY_SCHEDULE_AT`: each person's week ahead is sent from this time (London) on the week's last working day.
    var weeklyScheduleAt = 15 * 60
    /// `SCHEDULER_FAMILY_HOURS`: family meetings start and end within these hours (`09:00-15:00`, PATHWAY.md §3.2).
    var familyHours = 9 * 60...15 * 60
    /// `SCHEDULER_FAMILY_EXTENDED_HOURS`: the LA's early or late option (`08:00-18:00`); none by default.
    var familyExtendedHours: ClosedRange<Int>?
    /// `SCHEDULER_FAMILY_NOTICE_SCHOOL_DAYS`: school days between the invitation's deemed receipt and the meeting.
    var familyNoticeSchoolDays = 5
    /// `SCHEDULER_POSTING_WORKING_DAYS`: a letter posted first class is deemed received this many working days later.
    var postingWorkingDays = 2
    /// `SCHEDULER_TSM_HOURS`: targeting support meetings are booked within these hours (`09:00-15:30`).
    var tsmHours = 9 * 60...(15 * 60 + 30)

    /// `SCHEDULER_MAILER_INTERVAL_SECONDS`: how often agendas, weekly schedules and reminders are looked for; 0 turns
    /// the mailer off (the tests drive it with their own clock).
    var mailerIntervalSeconds = 60

    init() {}

    init(environment: EnvironmentReader) throws(ConfigurationError) {
        leadWorkingDays = try environment.int("SCHEDULER_LEAD_WORKING_DAYS", default: 3, range: 0...20, expected: "working days from 0 to 20")
        moveWorkingDays = try environment.int("SCHEDULER_MOVE_WORKING_DAYS", default: 2, range: 0...10, expected: "working days from 0 to 10")
        breachWorkingDays = try environment.int("SCHEDULER_BREACH_WORKING_DAYS", default: 15, range: 1...60, expected: "working days from 1 to 60")
        domain = environment.string("SCHEDULER_LA_DOMAIN", default: "la.example")
        portalURL = environment.string("SCHEDULER_PORTAL_URL", default: "http://127.0.0.1:8086")
        panelMailbox = environment.string("SCHEDULER_PANEL_MAILBOX", default: "attendancepathway@\(domain)")
        acceptWorkingDays = try environment.int("SCHEDULER_ACCEPT_WORKING_DAYS", default: 2, range: 1...10, expected: "working days from 1 to 10")
        agendaWorkingDays = try environment.int("SCHEDULER_AGENDA_WORKING_DAYS", default: 2, range: 1...10, expected: "working days from 1 to 10")
        weeklyScheduleAt = try Self.time(environment, "SCHEDULER_WEEKLY_SCHEDULE_AT", default: "15:00")
        familyHours = try Self.hours(environment, "SCHEDULER_FAMILY_HOURS", default: "09:00-15:00")!
        familyExtendedHours = try Self.hours(environment, "SCHEDULER_FAMILY_EXTENDED_HOURS", default: nil)
        familyNoticeSchoolDays = try environment.int("SCHEDULER_FAMILY_NOTICE_SCHOOL_DAYS", default: 5, range: 0...30, expected: "school days from 0 to 30")
        postingWorkingDays = try environment.int("SCHEDULER_POSTING_WORKING_DAYS", default: 2, range: 0...5, expected: "working days from 0 to 5")
        mailerIntervalSeconds = try environment.int("SCHEDULER_MAILER_INTERVAL_SECONDS", default: 60, range: 0...3_600, expected: "seconds from 0 (off) to 3600")
        tsmHours = try Self.hours(environment, "SCHEDULER_TSM_HOURS", default: "09:00-15:30")!
    }

    static func time(_ environment: EnvironmentReader, _ name: String, default fallback: String) throws(ConfigurationError) -> Int {
        try environment.parsed(name, default: PanelSeries.minutes(fallback)!, expected: "a time written 15:00") { PanelSeries.minutes($0) }
    }

    /// `09:00-15:00` as minutes from midnight.
    static func hours(_ text: String) -> ClosedRange<Int>? {
        let parts = text.split(separator: "-").map(String.init)
        guard parts.count == 2, let from = PanelSeries.minutes(parts[0]), let until = PanelSeries.minutes(parts[1]), from < until else { return nil }
        return from...until
    }

    static func hours(_ environment: EnvironmentReader, _ name: String, default fallback: String?) throws(ConfigurationError) -> ClosedRange<Int>? {
        try environment.parsed(name, default: fallback.flatMap(hours), expected: "hours written 09:00-15:00") { hours($0) }
    }

    func email(_ subject: String) -> String { subject.contains("@") ? subject : "\(subject)@\(domain)" }
}
