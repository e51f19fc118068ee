import PostgresNIO

/// Errors from the storage layer. Messages are fixed and carry no personal data.
public enum StorageError: Error, Sendable, Equatable, CustomStringConvertible {
    case invalidIdentifier(String)
    case migrationChanged(schema: String, version: Int, name: String)
    case migrationsOutOfOrder(schema: String)
    case unknownMigrationApplied(schema: String, version: Int)

    public var description: String {
        switch self {
        case .invalidIdentifier(let name):
            return "\(name) is not a plain SQL identifier (lower-case letters, digits and _)"
        case .migrationChanged(let schema, let version, let name):
            return "migration \(version) (\(name)) of schema \(schema) was changed after it was applied; migrations are forward-only, add a new one"
        case .migrationsOutOfOrder(let schema):
            return "the migrations of schema \(schema) must have distinct versions in ascending order"
        case .unknownMigrationApplied(let schema, let version):
            return "schema \(schema) has migration \(version) applied, which this build does not know: is an older build running against a newer database?"
        }
    }
}

/// The SQLSTATE of a PostgreSQL error, looking through the transaction wrapper, or nil.
public func sqlState(of error: any Error) -> String? {
    if let transactionError = error as? PostgresTransactionError {
        for inner in [transactionError.closureError, transactionError.commitError, transactionError.beginError] {
            if let inner, let state = sqlState(of: inner) { return state }
        }
        return nil
    }
    return (error as? PSQLError)?.serverInfo?[.sqlState]
}

public enum SQLState {
    public static let uniqueViolation = "23505"
    public static let serializationFailure = "40001"
    public static let deadlockDetected = "40P01"
}
