import CRdKafka
import Logging

/// What a client does when librdkafka calls back: log lines, delivery reports, statistics, rebalances.
///
/// Every callback runs on a librdkafka thread or inside a poll call on our own dedicated thread,
/// never on Swift's cooperative pool, so it must be quick and must not block on Swift concurrency.
final class RDKafkaCallbacks: Sendable {
    let logger: Logger
    /// A message's id, and where it was stored or why it failed.
    let onDelivery: (@Sendable (_ messageID: UInt, _ partition: Int32, _ offset: Int64, _ error: KafkaError?) -> Void)?
    let onStatistics: (@Sendable (_ json: String) -> Void)?
    let onRebalance: (@Sendable (_ handle: OpaquePointer, _ error: rd_kafka_resp_err_t, _ partitions: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>?) -> Void)?

    init(
        logger: Logger,
        onDelivery: (@Sendable (UInt, Int32, Int64, KafkaError?) -> Void)? = nil,
        onStatistics: (@Sendable (String) -> Void)? = nil,
        onRebalance: (@Sendable (OpaquePointer, rd_kafka_resp_err_t, UnsafeMutablePointer<rd_kafka_topic_partition_list_t>?) -> Void)? = nil
    ) {
        self.logger = logger
        self.onDelivery = onDelivery
        self.onStatistics = onStatistics
        self.onRebalance = onRebalance
    }

    func install(on conf: OpaquePointer) {
        rd_kafka_conf_set_log_cb(conf) { handle, level, facility, message in
            guard let callbacks = RDKafkaHandle.callbacks(of: handle) else { return }
            let text = message.map { String(cString: $0) } ?? ""
            let facility = facility.map { String(cString: $0) } ?? ""
            // librdkafka's levels are syslog's: 0 emergency, 1 alert, 2 critical, 3 error, 4 warning,
            // 5 notice, 6 info, 7 debug. Its errors are ours to see (a broker refusing us, a lost connection).
            let level: Logger.Level = switch level {
            case ...2: .critical
            case 3: .error
            case 4: .warning
            case 5: .notice
            case 6: .info
            default: .debug
            }
            callbacks.logger.log(level: level, "\(text)", metadata: ["kafka.facility": "\(facility)"])
        }
        if onDelivery != nil {
            rd_kafka_conf_set_dr_msg_cb(conf) { handle, message, _ in
                guard let callbacks = RDKafkaHandle.callbacks(of: handle), let message, let onDelivery = callbacks.onDelivery else { return }
                let id = UInt(bitPattern: message.pointee._private)
                if message.pointee.err == RD_KAFKA_RESP_ERR_NO_ERROR {
                    onDelivery(id, message.pointee.partition, message.pointee.offset, nil)
                } else {
                    var error = KafkaError.from(message.pointee.err, context: "delivery")
                    if message.pointee.err == RD_KAFKA_RESP_ERR__FATAL, let handle { error = KafkaError.fatal(of: handle) ?? error }
                    onDelivery(id, -1, -1, error)
                }
            }
        }
        if onStatistics != nil {
            rd_kafka_conf_set_stats_cb(conf) { handle, json, length, _ in
                if let callbacks = RDKafkaHandle.callbacks(of: handle), let json, let onStatistics = callbacks.onStatistics {
                    onStatistics(String(decoding: UnsafeRawBufferPointer(start: json, count: length), as: UTF8.self))
                }
                return 0  // 0: librdkafka frees the JSON buffer
            }
        }
        if onRebalance != nil {
            rd_kafka_conf_set_rebalance_cb(conf) { handle, error, partitions, _ in
                guard let handle, let callbacks = RDKafkaHandle.callbacks(of: handle), let onRebalance = callbacks.onRebalance else { return }
                onRebalance(handle, error, partitions)
            }
        }
    }
}
