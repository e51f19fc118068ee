import Events
import Foundation
import Logging
import Messaging
import PostgresNIO
import ServiceRuntime

/// Consumes `pathway.meeting-requests`: a request joins the queue for the chair to accept or return (a deferred
/// case coming back at top priority is accepted again at once); a withdrawn request cancels its booking.
struct RequestsHandler: BatchHandler {
    let settings: SchedulerSettings

    func apply(_ messages: [KafkaMessage], in batch: inout ConsumedBatch, on connection: PostgresConnection) async throws {
        for message in messages {
            let kind: (type: String, id: UUID)
            do { kind = try EventCodec.kind(of: message.value) } catch {
                batch.deadLetter(message, reason: "unreadable pathway.meeting-requests event: \(error)")
                continue
            }
            do {
                switch kind.type {
                case MeetingRequested.type:
                    let request = try EventCodec.decode(MeetingRequested.self, from: message.value).data
                    let text = String(decoding: try EventCoding.encoder().encode(request), as: UTF8.self)
                    try await connection.query("""
                        INSERT INTO requests (referral_id, case_id, request, state) VALUES (\(request.referralId), \(request.caseId), \(text)::jsonb, 'received')
                        ON CONFLICT (referral_id) DO UPDATE SET request = EXCLUDED.request,
                            state = CASE WHEN \(request.topPriority) THEN 'accepted' ELSE requests.state END,
                            decided_at = CASE WHEN \(request.topPriority) THEN now() ELSE requests.decided_at END
                        """, logger: batch.logger)
                    if request.topPriority {
                        try await connection.query("""
                            UPDATE bookings SET status = 'heard' WHERE referral_id = \(request.referralId) AND status = 'confirmed' AND starts_at < now()
                            """, logger: batch.logger)
                    }
                case MeetingRequestWithdrawn.type:
                    let withdrawn = try EventCodec.decode(MeetingRequestWithdrawn.self, from: message.value).data
                    try await Bookings.cancel(referral: withdrawn.referralId, reason: withdrawn.reason, settings: settings, on: connection, logger: batch.logger)
                    try await connection.query("UPDATE requests SET state = 'withdrawn' WHERE referral_id = \(withdrawn.referralId)", logger: batch.logger)
                default:
                    batch.logger.debug("event of another type ignored", metadata: ["type": "\(kind.type)"])
                }
            } catch let error as EventDecodingError {
                batch.deadLetter(message, reason: "unreadable \(kind.type) event: \(error)")
            }
        }
    }
}
