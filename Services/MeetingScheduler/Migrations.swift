import Storage

/// The forward-only migrations of the `meeting_scheduler` schema. Append; never edit one that has shipped.
enum Migrations {
    static let all: [Migration] = [
        StandardTables.migration,
        StandardTables.fencedOffsetsAndParking(version: 2),
        StandardTables.identityAndAudit(version: 3),
    ]
}
