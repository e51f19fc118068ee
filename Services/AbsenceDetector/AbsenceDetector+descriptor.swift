import ServiceRuntime
import Storage

extension AbsenceDetector {
    /// absence-detector owns the PostgreSQL schema `absence_detector`; its HTTP port defaults to 8082.
    static let descriptor = ServiceDescriptor(
        name: "absence-detector",
        schema: "absence_detector",
        defaultHTTPPort: 8082,
        migrations: Migrations.all)
}
