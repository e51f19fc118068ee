import Dispatch
import Logging
import Messaging
import PostgresNIO
import Storage
import Synchronization

/// Where a newly assigned partition starts: the offsets PostgreSQL stored with the state they describe,
/// not Kafka's committed ones (which may lag behind, or be missing for a new consumer group).
///
/// librdkafka asks synchronously from the consumer's own polling thread (never the cooperative pool), so
/// the thread waits for the query; partitions it cannot answer for in time start from Kafka's commit, and
/// the consumer skips whatever PostgreSQL already holds.
enum StoredStartingOffsets {
    static func provider(postgres: PostgresClient, name: String, topics: [String], logger: Logger) -> @Sendable ([TopicPartition]) -> [TopicPartition: Int64] {
        { partitions in
            let found = Mutex<[TopicPartition: Int64]>([:])
            let done = DispatchSemaphore(value: 0)
            Task {
                defer { done.signal() }
                do {
                    let stored = try await postgres.withConnection { connection in
                        try await ConsumerOffsets.load(group: name, topics: topics, on: connection, logger: logger)
                    }
                    found.withLock { result in
                        for partition in partitions {
                            if let offset = stored[partition.topic]?[partition.partition] { result[partition] = offset }
                        }
                    }
                } catch {
                    logger.warning("stored offsets not read; starting from Kafka's committed offsets", metadata: ["error": "\(String(reflecting: error))"])
                }
            }
            _ = done.wait(timeout: .now() + .seconds(10))
            return found.withLock { $0 }
        }
    }
}
