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
                         RD_KAFKA_RESP_ERR__QUEUE_FULL, RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS].contains(code)
        return KafkaError(
            rdKafkaCode: code.rawValue, reason: context.map { "\($0): \(text)" } ?? text,
            isFatal: code == RD_KAFKA_RESP_ERR__FATAL, isRetriable: retriable, file: file, line: line)
    }

    /// A configuration property librdkafka refused.
    static func configuration(_ reason: String, file: String = #fileID, line: UInt = #line) -> KafkaError {
        KafkaError(rdKafkaCode: RD_KAFKA_RESP_ERR__INVALID_ARG.rawValue, reason: reason, isRetriable: false, file: file, line: line)
    }

    public var description: String {
        "KafkaError(\(rdKafkaCode)\(isFatal ? ", fatal" : "")\(isRetriable ? ", retriable" : "")): \(reason)"
    }
}
