import Events
import Logging
import Messaging
import PostgresNIO
import ServiceRuntime

/// Consumes `attendance.watches`: stores each watch (or its cancellation) and judges it at once against
/// the marks already in, in the batch's transaction. Later marks are judged by the marks handler.
struct WatchesHandler: BatchHandler {
    func apply(_ messages: [KafkaMessage], in batch: inout ConsumedBatch, on connection: PostgresConnection) async throws {
        var recorded: [Watch] = []
        for message in messages {
            let type: String
            do { type = try EventCodec.kind(of: message.value).type } catch {
                batch.deadLetter(message, reason: "unreadable attendance.watches event: \(error)")
                continue
            }
            do {
                switch type {
                case AttendanceWatchRequested.type:
                    let request = try EventCodec.decode(AttendanceWatchRequested.self, from: message.value).data
                    guard let watch = Watch(request) else {
                        batch.deadLetter(message, reason: "watch \(request.watchId): the dates must be ISO dates, from on or before to, and the limits within range")
                        continue
                    }
                    try await WatchStore.record(watch, on: connection, logger: batch.logger)
                    recorded.append(watch)
                case AttendanceWatchCancelled.type:
                    let cancel = try EventCodec.decode(AttendanceWatchCancelled.self, from: message.value).data
                    try await WatchStore.cancel(cancel.watchId, on: connection, logger: batch.logger)
                    recorded.removeAll { $0.id == cancel.watchId }
                default:
                    batch.logger.debug("attendance.watches event of another type ignored", metadata: ["type": "\(type)"])
                }
            } catch let error as EventDecodingError {
                batch.deadLetter(message, reason: "unreadable \(type) event: \(error)")
            }
        }
        // Judged against what is stored: a watch asked for after the marks it covers answers at once.
        let open = try await WatchStore.open(for: recorded.map(\.key), on: connection, logger: batch.logger).filter { watch in recorded.contains { $0.id == watch.id } }
        var pupils: [PupilKey: PupilState] = [:]
        for watch in open where pupils[watch.key] == nil {
            pupils[watch.key] = try await PupilStateStore.load(school: watch.key.school, upn: watch.key.upn, on: connection, logger: batch.logger)
        }
        let signals = try await WatchStore.evaluate(open, pupils: { pupils[$0] }, on: connection, logger: batch.logger)
        try await SignalStore.record(signals, on: connection, logger: batch.logger)
    }
}
