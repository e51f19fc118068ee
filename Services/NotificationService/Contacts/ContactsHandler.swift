import Events
import Foundation
import Logging
import Messaging
import PostgresNIO
import ServiceRuntime

/// Consumes `pupils.contacts` (addresses: kept here and nowhere else) and `pupils.profiles` (the forename a
/// message greets the child by, and whether they are looked after or have a social worker).
struct ContactsHandler: BatchHandler {
    func apply(_ messages: [KafkaMessage], in batch: inout ConsumedBatch, on connection: PostgresConnection) async throws {
        for message in messages {
            let kind: (type: String, id: UUID)
            do { kind = try EventCodec.kind(of: message.value) } catch {
                batch.deadLetter(message, reason: "unreadable roster event: \(error)")
                continue
            }
            do {
                switch kind.type {
                case PupilContactsUpdated.type:
                    let update = try EventCodec.decode(PupilContactsUpdated.self, from: message.value).data
                    for entry in update.pupils {
                        try await ContactBook.replace(upn: entry.upn, contacts: entry.contacts, on: connection, logger: batch.logger)
                    }
                case PupilProfilesUpdated.type:
                    let update = try EventCodec.decode(PupilProfilesUpdated.self, from: message.value).data
                    for pupil in update.pupils {
                        try await connection.query("""
                            INSERT INTO pupils (upn, school_urn, forename, looked_after, has_social_worker)
                            VALUES (\(pupil.upn), \(pupil.schoolUrn), \(pupil.forename), \(pupil.flags.childLookedAfter), \(pupil.flags.hasSocialWorker))
                            ON CONFLICT (upn) DO UPDATE SET school_urn = EXCLUDED.school_urn, forename = EXCLUDED.forename,
                                looked_after = EXCLUDED.looked_after, has_social_worker = EXCLUDED.has_social_worker, updated_at = now()
                            """, logger: batch.logger)
                    }
                default:
                    batch.logger.debug("event of another type ignored", metadata: ["type": "\(kind.type)"])
                }
            } catch let error as EventDecodingError {
                batch.deadLetter(message, reason: "unreadable \(kind.type) event: \(error)")
            }
        }
    }
}
