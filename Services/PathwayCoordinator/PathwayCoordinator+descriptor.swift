import ServiceRuntime
import Storage

extension PathwayCoordinator {
    /// pathway-coordinator owns the PostgreSQL schema `pathway_coordinator`; its HTTP port defaults to 8083.
    static let descriptor = ServiceDescriptor(
        name: "pathway-coordinator",
        schema: "pathway_coordinator",
        defaultHTTPPort: 8083,
        migrations: Migrations.all)
}
