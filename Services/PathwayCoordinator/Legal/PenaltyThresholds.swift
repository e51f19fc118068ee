import Events
import Logging
import PostgresNIO

/// The penalty thresholds on a case's chronology. Each is known by its offence period's last day (the
/// signal's `windowEnd`, which a `threshold_withdrawn` repeats: no two periods of a child end on one day);
/// one stands unless the latest entry for its day is a withdrawal.
enum PenaltyThresholds {
    struct Tally: Equatable {
        var standing = 0
        var withdrawn = 0
    }

    static func tally(_ caseID: String, on connection: PostgresConnection, logger: Logger) async throws -> Tally {
        let threshold = AttendanceSignal.Kind.penaltyNoticeThreshold.rawValue, withdrawal = AttendanceSignal.Kind.thresholdWithdrawn.rawValue
        let rows = try await connection.query("""
            SELECT kind, count(*) FROM (
                SELECT DISTINCT ON (details->>'windowEnd') details->>'kind' AS kind FROM chronology
                WHERE case_id = \(caseID) AND (details->>'kind' = \(threshold) OR (details->>'kind' = \(withdrawal) AND details->>'recoveredFrom' = \(threshold)))
                ORDER BY details->>'windowEnd', id DESC
            ) latest GROUP BY kind
            """, logger: logger)
        var tally = Tally()
        for try await (kind, count) in rows.decode((String, Int).self) {
            if kind == threshold { tally.standing = count } else { tally.withdrawn = count }
        }
        return tally
    }

    /// Unmet when the case's penalty thresholds were all withdrawn since (amendments took their offence
    /// periods below the threshold): no notice is decided or issued on evidence that no longer holds. A case
    /// that never had a threshold is not held back here.
    static func stand(_ caseID: String, on connection: PostgresConnection, logger: Logger) async throws -> [UnmetGuard] {
        let tally = try await tally(caseID, on: connection, logger: logger)
        guard tally.standing == 0 && tally.withdrawn > 0 else { return [] }
        return [UnmetGuard("threshold_stands", "the case's penalty threshold was withdrawn after a register amendment and no other stands")]
    }
}
