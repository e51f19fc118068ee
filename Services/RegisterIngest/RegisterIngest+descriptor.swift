import ServiceRuntime
import Storage

extension RegisterIngest {
    /// register-ingest owns the PostgreSQL schema `register_ingest`; its HTTP port defaults to 8081.
    static let descriptor = ServiceDescriptor(
        name: "register-ingest",
        schema: "register_ingest",
        defaultHTTPPort: 8081,
        migrations: Migrations.all)
}
