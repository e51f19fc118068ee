/// A topic's partition.
public struct TopicPartition: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var topic: String
    public var partition: Int32

    public init(topic: String, partition: Int32) {
        self.topic = topic
        self.partition = partition
    }

    public var description: String { "\(topic)[\(partition)]" }

    public static func < (lhs: TopicPartition, rhs: TopicPartition) -> Bool {
        (lhs.topic, lhs.partition) < (rhs.topic, rhs.partition)
    }
}

/// A position in a partition: for a commit, the offset of the next message to read.
public struct TopicPartitionOffset: Sendable, Hashable, CustomStringConvertible {
    public var topicPartition: TopicPartition
    public var offset: Int64

    public init(topic: String, partition: Int32, offset: Int64) {
        self.topicPartition = TopicPartition(topic: topic, partition: partition)
        self.offset = offset
    }

    public var description: String { "\(topicPartition)@\(offset)" }
}

/// A message header: a name and raw bytes.
public struct KafkaHeader: Sendable, Hashable {
    public var name: String
    public var value: [UInt8]

    public init(name: String, value: [UInt8]) {
        self.name = name
        self.value = value
    }

    public init(name: String, string: String) {
        self.init(name: name, value: Array(string.utf8))
    }

    public var stringValue: String { String(decoding: value, as: UTF8.self) }
}

/// A message read from a topic.
///
/// Key and value are slices of one buffer shared by the whole batch they came in: reading a batch costs
/// one allocation, not two per message.
public struct KafkaMessage: Sendable, Hashable {
    public var topic: String
    public var partition: Int32
    public var offset: Int64
    public var key: ArraySlice<UInt8>?
    public var value: ArraySlice<UInt8>
    public var headers: [KafkaHeader]
    /// Milliseconds since 1970 as the broker or producer stamped it, if known.
    public var timestampMilliseconds: Int64?

    public init(topic: String, partition: Int32, offset: Int64, key: ArraySlice<UInt8>?, value: ArraySlice<UInt8>, headers: [KafkaHeader] = [], timestampMilliseconds: Int64? = nil) {
        self.topic = topic
        self.partition = partition
        self.offset = offset
        self.key = key
        self.value = value
        self.headers = headers
        self.timestampMilliseconds = timestampMilliseconds
    }

    public var topicPartition: TopicPartition { TopicPartition(topic: topic, partition: partition) }
    public var keyString: String? { key.map { String(decoding: $0, as: UTF8.self) } }
    public func header(_ name: String) -> KafkaHeader? { headers.first { $0.name == name } }
}

/// A message to send. The key chooses the partition (librdkafka's default partitioner hashes it).
public struct KafkaOutgoingMessage: Sendable, Hashable {
    public var topic: String
    public var key: [UInt8]?
    public var value: [UInt8]
    public var headers: [KafkaHeader]

    public init(topic: String, key: [UInt8]?, value: [UInt8], headers: [KafkaHeader] = []) {
        self.topic = topic
        self.key = key
        self.value = value
        self.headers = headers
    }

    public init(topic: String, key: String, value: [UInt8], headers: [KafkaHeader] = []) {
        self.init(topic: topic, key: Array(key.utf8), value: value, headers: headers)
    }
}

/// Where the broker stored a sent message, once it acknowledged it.
public struct DeliveryReport: Sendable, Hashable {
    public var topic: String
    public var partition: Int32
    public var offset: Int64
}
