import Foundation
import Logging
import PostgresNIO

/// The case's chronology: append-only (a trigger refuses changes), one entry per event however often it arrives.
enum Chronology {
    /// Appends an entry; with a `sourceEvent` already recorded for the case, nothing (and nil).
    @discardableResult
    static func append(
        _ caseID: String, type: String, summary: String, by actor: CaseActor, outcome: String? = nil, parentEngagement: String? = nil,
        evidence: [String] = [], corrects: Int64? = nil, sourceEvent: UUID? = nil, details: String? = nil,
        on connection: PostgresConnection, logger: Logger
    ) async throws -> Int64? {
        let rows = try await connection.query("""
            INSERT INTO chronology (case_id, entry_type, summary, outcome, parent_engagement, actor, actor_role, evidence, corrects, source_event, details)
            VALUES (\(caseID), \(type), \(summary), \(outcome), \(parentEngagement), \(actor.subject), \(actor.role), \(evidence), \(corrects),
                    \(sourceEvent), \(details)::jsonb)
            ON CONFLICT (case_id, source_event) WHERE source_event IS NOT NULL DO NOTHING
            RETURNING id
            """, logger: logger)
        for try await id in rows.decode(Int64.self) { return id }
        return nil
    }

    static func entries(_ caseID: String, on client: PostgresClient, logger: Logger) async throws -> [ChronologyEntry] {
        let rows = try await client.query("""
            SELECT id, entry_type, summary, outcome, parent_engagement, actor, actor_role, at, corrects, evidence
            FROM chronology WHERE case_id = \(caseID) ORDER BY id
            """, logger: logger)
        var entries: [ChronologyEntry] = []
        for try await row in rows.decode((Int64, String, String, String?, String?, String, String, Date, Int64?, [String]).self) {
            entries.append(ChronologyEntry(id: row.0, type: row.1, summary: row.2, outcome: row.3, parentEngagement: row.4, actor: row.5,
                                           actorRole: row.6, at: row.7, corrects: row.8, evidence: row.9))
        }
        return entries
    }

    /// Whether the case has an entry of this type (a consultation the referral needs).
    static func has(_ caseID: String, type: String, on connection: PostgresConnection, logger: Logger) async throws -> Bool {
        let rows = try await connection.query("SELECT count(*) FROM chronology WHERE case_id = \(caseID) AND entry_type = \(type)", logger: logger)
        for try await count in rows.decode(Int.self) { return count > 0 }
        return false
    }
}

/// Timers and to-dos on the worklist (shared/PATHWAY.md §5.2, §6): raised once per source, done by a person.
enum Tasks {
    /// Raises a task unless the case already has one of this kind open (a second crossing of a line
    /// does not ask twice).
    static func raise(_ caseID: String, kind: String, detail: String, due: String, source: String,
                      on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.query("""
            INSERT INTO tasks (case_id, kind, detail, due, source)
            SELECT \(caseID), \(kind), \(detail), \(due), \(source)
            WHERE NOT EXISTS (SELECT 1 FROM tasks WHERE case_id = \(caseID) AND kind = \(kind) AND done_at IS NULL)
            ON CONFLICT (case_id, kind, source) DO NOTHING
            """, logger: logger)
    }

    static func complete(_ caseID: String, kind: String, by subject: String, on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.query("""
            UPDATE tasks SET done_at = now(), done_by = \(subject) WHERE case_id = \(caseID) AND kind = \(kind) AND done_at IS NULL
            """, logger: logger)
    }
}
