import ServiceRuntime
import Storage

extension NotificationService {
    /// notification owns the PostgreSQL schema `notification`; its HTTP port defaults to 8084.
    static let descriptor = ServiceDescriptor(
        name: "notification",
        schema: "notification",
        defaultHTTPPort: 8084,
        migrations: Migrations.all)
}
