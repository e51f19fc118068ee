import CRdKafka

/// An error from Kafka: librdkafka's code and text, and whether retrying can help.
public struct KafkaError: Error, Sendable, CustomStringConvertible {
    /// librdkafka's `rd_kafka_resp_err_t` value (negative codes are the client's own, positive the broker's).
    public let rdKafkaCode: Int32
    public let reason: String
    /// A fatal error leaves the client unusable: the process should stop and be restarted.
    public let isFatal: Bool
    /// Retrying the same operation may succeed (broker unreachable, timed out, leader moving, ...).
    public let isRetriable: Bool
    public let file: String
    public let line: UInt

    public init(rdKafkaCode: Int32, reason: String, isFatal: Bool = false, isRetriable: Bool, file: String = #fileID, line: UInt = #line) {
        self.rdKafkaCode = rdKafkaCode
        self.reason = reason
        self.isFatal = isFatal
        self.isRetriable = isRetriable
        self.file = file
        self.line = line
    }

    /// From a librdkafka response code, with its own text (`rd_kafka_err2str`).
    static func from(_ code: rd_kafka_resp_err_t, context: String? = nil, file: String = #fileID, line: UInt = #line) -> KafkaError {
        let text = String(cString: rd_kafka_err2str(code))
        let retriable = [RD_KAFKA_RESP_ERR__TRANSPORT, RD_KAFKA_RESP_ERR__TIMED_OUT, RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN,
                         RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT, RD_KAFKA_RESP_ERR__MSG_TIMED_OUT,
                         RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION, RD_KAFKA_RESP_ERR_LEADER_NOT_AVAILABLE,
                         RD_KAFKA_RESP_ERR__QUEUE_FULL, RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS,
                         RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS_AFTER_APPEND, RD_KAFKA_RESP_ERR_BROKER_NOT_AVAILABLE,
                         RD_KAFKA_RESP_ERR_NETWORK_EXCEPTION, RD_KAFKA_RESP_ERR__RESOLVE, RD_KAFKA_RESP_ERR__TIMED_OUT_QUEUE,
                         RD_KAFKA_RESP_ERR_KAFKA_STORAGE_ERROR].contains(code)
        return KafkaError(
            rdKafkaCode: code.rawValue, reason: context.map { "\($0): \(text)" } ?? text,
            isFatal: code == RD_KAFKA_RESP_ERR__FATAL, isRetriable: retriable, file: file, line: line)
    }

    /// The client's fatal error, with librdkafka's own explanation (`rd_kafka_fatal_error`), if there is one.
    static func fatal(of handle: OpaquePointer, file: String = #fileID, line: UInt = #line) -> KafkaError? {
        var text = [CChar](repeating: 0, count: 512)
        let code = rd_kafka_fatal_error(handle, &text, text.count)
        guard code != RD_KAFKA_RESP_ERR_NO_ERROR else { return nil }
        return KafkaError(rdKafkaCode: code.rawValue, reason: "fatal: \(String(cBuffer: text))", isFatal: true, isRetriable: false, file: file, line: line)
    }

    /// An error object returned by the newer librdkafka APIs (`rd_kafka_error_t`). Destroys it.
    static func consuming(_ error: OpaquePointer, file: String = #fileID, line: UInt = #line) -> KafkaError {
        defer { rd_kafka_error_destroy(error) }  // we own what the API returned
        return KafkaError(
            rdKafkaCode: rd_kafka_error_code(error).rawValue, reason: String(cString: rd_kafka_error_string(error)),
            isFatal: rd_kafka_error_is_fatal(error) != 0, isRetriable: rd_kafka_error_is_retriable(error) != 0, file: file, line: line)
    }

    /// Our own refusal: the client is closed, a deadline passed, ...
    static func client(_ reason: String, retriable: Bool = false, file: String = #fileID, line: UInt = #line) -> KafkaError {
        KafkaError(rdKafkaCode: RD_KAFKA_RESP_ERR__STATE.rawValue, reason: reason, isRetriable: retriable, file: file, line: line)
    }

    /// A configuration property librdkafka refused.
    static func configuration(_ reason: String, file: String = #fileID, line: UInt = #line) -> KafkaError {
        KafkaError(rdKafkaCode: RD_KAFKA_RESP_ERR__INVALID_ARG.rawValue, reason: reason, isRetriable: false, file: file, line: line)
    }

    public var description: String {
        "KafkaError(\(rdKafkaCode)\(isFatal ? ", fatal" : "")\(isRetriable ? ", retriable" : "")): \(reason)"
    }
}
