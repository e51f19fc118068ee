import Events
import Foundation
import Logging
import NIOCore
import PostgresNIO
import Storage

/// Signals: kept for the API (a pupil's last signals) and queued in the outbox for `attendance.signals`,
/// in the batch's transaction. A signal's event id is derived from what it says, so recomputing the same
/// history (a rebuild, a replay) cannot queue it twice.
enum SignalStore {
    static func record(_ signals: [AttendanceSignal], on connection: PostgresConnection, logger: Logger) async throws {
        guard !signals.isEmpty else { return }
        var messages: [OutboxMessage] = []
        var ids: [UUID] = [], schools: [String] = [], upns: [String] = [], kinds: [String] = [], dates: [String] = [], payloads: [String] = []
        for signal in signals {
            let id = identity(of: signal)
            let envelope = EventEnvelope(id: id, type: AttendanceSignal.type, schemaVersion: AttendanceSignal.version,
                                         source: "absence-detector", key: signal.schoolUrn, data: signal)
            let bytes = try EventCodec.encode(envelope)
            messages.append(OutboxMessage(eventID: id, topic: TopicCatalogue.attendanceSignals.name, key: signal.schoolUrn, payload: ByteBuffer(bytes: bytes)))
            ids.append(id)
            schools.append(signal.schoolUrn)
            upns.append(signal.upn)
            kinds.append(signal.kind.rawValue)
            dates.append(String(signal.asOf.prefix(10)))  // "2026-05-04 AM"
            payloads.append(String(decoding: bytes, as: UTF8.self))  // the envelope, as published
        }
        let rows = try await connection.query("""
            INSERT INTO signals (event_id, school_urn, upn, kind, session_date, payload)
            SELECT * FROM unnest(\(ids)::uuid[], \(schools)::text[], \(upns)::text[], \(kinds)::text[], \(dates)::date[], \(payloads)::text[])
            ON CONFLICT (event_id) DO NOTHING
            RETURNING event_id
            """, logger: logger)
        var new = Set<UUID>()
        for try await id in rows.decode(UUID.self) { new.insert(id) }
        // Only signals not sent before: the outbox forgets published rows after its retention, the signals table does not.
        try await Outbox.enqueue(messages.filter { new.contains($0.eventID) }, on: connection, logger: logger)
    }

    /// A UUID (version 8, name-based) from the signal's kind, pupil, session and reason.
    static func identity(of signal: AttendanceSignal) -> UUID {
        let name = [signal.kind.rawValue, signal.schoolUrn, signal.upn, signal.asOf, signal.recoveredFrom?.rawValue ?? "", signal.reason]
            .joined(separator: "|")
        var first: UInt64 = 0xcbf2_9ce4_8422_2325, second: UInt64 = 0x8422_2325_cbf2_9ce4
        for byte in name.utf8 {
            first = (first ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
            second = (second &+ UInt64(byte)) &* 0x9e37_79b9_7f4a_7c15
            second ^= second >> 29
        }
        var bytes = [UInt8](repeating: 0, count: 16)
        for index in 0..<8 {
            bytes[index] = UInt8(truncatingIfNeeded: first >> (index * 8))
            bytes[index + 8] = UInt8(truncatingIfNeeded: second >> (index * 8))
        }
        bytes[6] = (bytes[6] & 0x0f) | 0x80  // version 8
        bytes[8] = (bytes[8] & 0x3f) | 0x80  // RFC 4122 variant
        return UUID(uuid: (bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7],
                           bytes[8], bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]))
    }
}
