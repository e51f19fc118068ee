import CRdKafka

/// The librdkafka the process is linked with.
public enum KafkaVersion {
    /// For example `2.8.0`.
    public static var librdkafka: String { String(cString: rd_kafka_version_str()) }

    /// `0xMMmmrrxx`, as `rd_kafka_version()` returns it.
    public static var librdkafkaNumber: Int32 { rd_kafka_version() }

    /// The oldest librdkafka that can talk to the local broker: older ones cannot parse its ApiVersions reply.
    public static let minimumNumber: Int32 = 0x0201_00ff
    public static let minimum = "2.1.0"

    /// Throws when the linked librdkafka is too old, saying how to get a newer one.
    public static func checkSupported() throws(KafkaError) {
        guard librdkafkaNumber >= minimumNumber else {
            throw KafkaError.configuration(
                "librdkafka \(librdkafka) is older than \(minimum), which cannot talk to the broker; run deploy/local/setup to build 2.8.0")
        }
    }
}
