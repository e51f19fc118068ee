import Logging
import NIOCore
import PostgresNIO

/// The pupils' state across their schools (``JourneyState``) in `pupil_journeys`, one row per UPN.
///
/// A pupil's schools can be in partitions held by different instances. Each batch locks the rows of the
/// pupils it will judge before it reads their other enrolments, so two batches judging one child run one
/// after the other and the second sees what the first committed: no spell or offence period is missed
/// because each saw only its own school, and none is reported twice.
enum JourneyStore {
    /// Locks (creating them when missing) and reads the journeys of these pupils. Call in the batch's
    /// transaction, before reading their enrolments; the locks are held until it ends. Rows are locked in
    /// UPN order, so two batches with pupils in common do not deadlock.
    static func lock(_ upns: Set<String>, on connection: PostgresConnection, logger: Logger) async throws -> [String: JourneyState] {
        guard !upns.isEmpty else { return [:] }
        let sorted = upns.sorted()
        // A row inserted by a transaction still open makes another's insert of it wait, so new rows lock too.
        try await connection.query("""
            INSERT INTO pupil_journeys (upn) SELECT upn FROM unnest(\(sorted)::text[]) AS upn ORDER BY upn ON CONFLICT (upn) DO NOTHING
            """, logger: logger)
        let rows = try await connection.query("""
            SELECT upn, returned_spells, penalty_used_sessions, penalty_used_through FROM pupil_journeys
            WHERE upn = ANY(\(sorted)) ORDER BY upn FOR UPDATE
            """, logger: logger)
        var journeys: [String: JourneyState] = [:]
        for try await (upn, returned, used, judgedThrough) in rows.decode((String, ByteBuffer, ByteBuffer, Int32).self) {
            journeys[upn] = JourneyState(returnedSpells: PupilStateStore.ordinals(returned), penaltyUsedSessions: PupilStateStore.ordinals(used),
                                         penaltyJudgedThrough: judgedThrough)
        }
        return journeys
    }

    /// Writes the journeys that changed, in the batch's transaction.
    static func save(_ journeys: [(upn: String, state: JourneyState)], on connection: PostgresConnection, logger: Logger) async throws {
        guard !journeys.isEmpty else { return }
        try await connection.query("""
            UPDATE pupil_journeys SET returned_spells = changed.returned, penalty_used_sessions = changed.used, updated_at = now()
            FROM unnest(\(journeys.map(\.upn))::text[], \(journeys.map { PupilStateStore.bytes($0.state.returnedSpells) })::bytea[],
                \(journeys.map { PupilStateStore.bytes($0.state.penaltyUsedSessions) })::bytea[]) AS changed(upn, returned, used)
            WHERE pupil_journeys.upn = changed.upn
            """, logger: logger)
    }
}

extension JourneyStore {
    /// One pupil's journey as last committed, for reading (no lock); none yet gives an empty one.
    static func load(upn: String, on client: PostgresClient, logger: Logger) async throws -> JourneyState {
        let rows = try await client.query("""
            SELECT returned_spells, penalty_used_sessions, penalty_used_through FROM pupil_journeys WHERE upn = \(upn)
            """, logger: logger)
        for try await (returned, used, judgedThrough) in rows.decode((ByteBuffer, ByteBuffer, Int32).self) {
            return JourneyState(returnedSpells: PupilStateStore.ordinals(returned), penaltyUsedSessions: PupilStateStore.ordinals(used),
                                penaltyJudgedThrough: judgedThrough)
        }
        return JourneyState()
    }
}
