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
            SELECT upn, returned_spells, penalty_used_sessions, penalty_periods, penalty_withdrawals, penalty_used_through FROM pupil_journeys
            WHERE upn = ANY(\(sorted)) ORDER BY upn FOR UPDATE
            """, logger: logger)
        var journeys: [String: JourneyState] = [:]
        for try await (upn, returned, used, periods, withdrawals, judgedThrough) in rows.decode((String, ByteBuffer, ByteBuffer, ByteBuffer, Int, Int32).self) {
            journeys[upn] = JourneyState(returnedSpells: PupilStateStore.ordinals(returned), penaltyUsedSessions: PupilStateStore.ordinals(used),
                                         penaltyPeriods: periodList(periods), penaltyWithdrawals: withdrawals, penaltyJudgedThrough: judgedThrough)
        }
        return journeys
    }

    /// Writes the journeys that changed, in the batch's transaction.
    static func save(_ journeys: [(upn: String, state: JourneyState)], on connection: PostgresConnection, logger: Logger) async throws {
        guard !journeys.isEmpty else { return }
        try await connection.query("""
            UPDATE pupil_journeys SET returned_spells = changed.returned, penalty_used_sessions = changed.used, penalty_periods = changed.periods,
                penalty_withdrawals = changed.withdrawals, updated_at = now()
            FROM unnest(\(journeys.map(\.upn))::text[], \(journeys.map { PupilStateStore.bytes($0.state.returnedSpells) })::bytea[],
                \(journeys.map { PupilStateStore.bytes($0.state.penaltyUsedSessions) })::bytea[],
                \(journeys.map { periodBytes($0.state.penaltyPeriods) })::bytea[], \(journeys.map(\.state.penaltyWithdrawals))::integer[])
                AS changed(upn, returned, used, periods, withdrawals)
            WHERE pupil_journeys.upn = changed.upn
            """, logger: logger)
    }
}

extension JourneyStore {
    /// One pupil's journey as last committed, for reading (no lock); none yet gives an empty one.
    static func load(upn: String, on client: PostgresClient, logger: Logger) async throws -> JourneyState {
        let rows = try await client.query("""
            SELECT returned_spells, penalty_used_sessions, penalty_periods, penalty_withdrawals, penalty_used_through FROM pupil_journeys WHERE upn = \(upn)
            """, logger: logger)
        for try await (returned, used, periods, withdrawals, judgedThrough) in rows.decode((ByteBuffer, ByteBuffer, ByteBuffer, Int, Int32).self) {
            return JourneyState(returnedSpells: PupilStateStore.ordinals(returned), penaltyUsedSessions: PupilStateStore.ordinals(used),
                                penaltyPeriods: periodList(periods), penaltyWithdrawals: withdrawals, penaltyJudgedThrough: judgedThrough)
        }
        return JourneyState()
    }
}

extension JourneyStore {
    // MARK: Storage of offence periods: each its session count, then its ordinals (little-endian Int32s).

    static func periodBytes(_ periods: [[Int32]]) -> ByteBuffer {
        var buffer = ByteBuffer()
        for period in periods {
            buffer.writeInteger(Int32(period.count), endianness: .little)
            for ordinal in period { buffer.writeInteger(ordinal, endianness: .little) }
        }
        return buffer
    }

    static func periodList(_ bytes: ByteBuffer) -> [[Int32]] {
        var buffer = bytes, periods: [[Int32]] = []
        while let count = buffer.readInteger(endianness: .little, as: Int32.self), count > 0, buffer.readableBytes >= Int(count) * 4 {
            periods.append((0..<count).compactMap { _ in buffer.readInteger(endianness: .little, as: Int32.self) })
        }
        return periods
    }
}
