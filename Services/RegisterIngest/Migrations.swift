import Storage

/// The forward-only migrations of the `register_ingest` schema. Append; never edit one that has shipped.
enum Migrations {
    static let all: [Migration] = [
        StandardTables.migration,
    ]
}
