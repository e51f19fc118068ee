import ServiceRuntime
import Storage

extension MeetingScheduler {
    /// meeting-scheduler owns the PostgreSQL schema `meeting_scheduler`; its HTTP port defaults to 8085.
    static let descriptor = ServiceDescriptor(
        name: "meeting-scheduler",
        schema: "meeting_scheduler",
        defaultHTTPPort: 8085,
        migrations: Migrations.all)
}
