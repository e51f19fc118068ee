import CRdKafka
import Logging

/// Owns one `rd_kafka_t` and destroys it. All C calls on it go through ``BlockingExecutor`` when they block.
final class RDKafkaHandle: @unchecked Sendable {
    /// `@unchecked`: the pointer is only used through librdkafka's thread-safe API.
    let pointer: OpaquePointer
    private let logContext: Unmanaged<LogContext>

    /// Holds the logger the C log callback forwards to (librdkafka calls it from its own threads).
    final class LogContext: Sendable {
        let logger: Logger
        init(logger: Logger) { self.logger = logger }
    }

    init(type: rd_kafka_type_t, properties: [String: String], logger: Logger) throws(KafkaError) {
        try KafkaVersion.checkSupported()
        let conf = rd_kafka_conf_new()!
        var errorText = [CChar](repeating: 0, count: 512)
        for (key, value) in properties.sorted(by: { $0.key < $1.key }) {
            if rd_kafka_conf_set(conf, key, value, &errorText, errorText.count) != RD_KAFKA_CONF_OK {
                rd_kafka_conf_destroy(conf)
                throw .configuration("Kafka property \(key): \(String(cString: errorText))")
            }
        }
        let context = Unmanaged.passRetained(LogContext(logger: logger))
        rd_kafka_conf_set_opaque(conf, context.toOpaque())
        rd_kafka_conf_set_log_cb(conf) { handle, level, facility, message in
            guard let handle, let opaque = rd_kafka_opaque(handle) else { return }
            let logger = Unmanaged<LogContext>.fromOpaque(opaque).takeUnretainedValue().logger
            let text = message.map { String(cString: $0) } ?? ""
            let facility = facility.map { String(cString: $0) } ?? ""
            // librdkafka's levels are syslog's: 0 emergency ... 7 debug. Its connection errors are
            // routine while a broker restarts, so they are logged at info (library logging rule).
            let swiftLevel: Logger.Level = level <= 3 ? .info : (level <= 6 ? .debug : .trace)
            logger.log(level: swiftLevel, "\(text)", metadata: ["kafka.facility": "\(facility)"])
        }
        // On success rd_kafka_new takes ownership of conf; on failure the caller still owns it.
        guard let pointer = rd_kafka_new(type, conf, &errorText, errorText.count) else {
            rd_kafka_conf_destroy(conf)
            context.release()
            throw .configuration("cannot create the Kafka client: \(String(cString: errorText))")
        }
        self.pointer = pointer
        self.logContext = context
    }

    deinit {
        rd_kafka_destroy(pointer)
        logContext.release()
    }
}
