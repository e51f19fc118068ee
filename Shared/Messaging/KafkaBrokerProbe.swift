import CRdKafka
import Logging

/// Asks the cluster for its metadata: the readiness check that the broker is reachable.
public final class KafkaBrokerProbe: Sendable {
    private let handle: RDKafkaHandle
    private let executor = BlockingExecutor(label: "kafka.broker-probe")

    public init(configuration: KafkaConfiguration, logger: Logger) throws(KafkaError) {
        var properties = ["reconnect.backoff.max.ms": "1000"]  // notice a returning broker quickly
        properties.merge(configuration.properties) { _, explicit in explicit }
        handle = try RDKafkaHandle(type: RD_KAFKA_PRODUCER, properties: properties, callbacks: RDKafkaCallbacks(logger: logger))
    }

    /// The number of brokers in the cluster. Throws when none answers within `timeout`.
    public func brokerCount(timeout: Duration = .seconds(2)) async throws(KafkaError) -> Int {
        let handle = self.handle
        let milliseconds = Int32(clamping: timeout.milliseconds)
        return try await executor.run { () throws(KafkaError) -> Int in
            var metadata: UnsafePointer<rd_kafka_metadata>?
            // Blocks up to `milliseconds`; runs on the executor's own thread.
            let code = rd_kafka_metadata(handle.pointer, 0, nil, &metadata, milliseconds)
            guard code == RD_KAFKA_RESP_ERR_NO_ERROR, let metadata else {
                throw KafkaError.from(code, context: "broker metadata")
            }
            defer { rd_kafka_metadata_destroy(metadata) }  // we own what rd_kafka_metadata returned
            return Int(metadata.pointee.broker_cnt)
        }
    }
}
