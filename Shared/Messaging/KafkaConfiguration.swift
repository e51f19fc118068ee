/// The settings of a Kafka client, named; anything else passes through as a raw librdkafka property.
public struct KafkaConfiguration: Sendable, Hashable {
    /// `host:port[,host:port...]`, from `KAFKA_BOOTSTRAP_SERVERS`.
    public var bootstrapServers: String
    /// Identifies this process in the broker's logs and metrics.
    public var clientID: String
    /// Raw librdkafka properties (https://github.com/confluentinc/librdkafka/blob/master/CONFIGURATION.md);
    /// they override the named settings.
    public var rawProperties: [String: String]
    /// Authentication and encryption (``KafkaSecurity``): PLAINTEXT unless set.
    public var security: KafkaSecurity

    public init(bootstrapServers: String, clientID: String, security: KafkaSecurity = .plaintext, rawProperties: [String: String] = [:]) {
        self.bootstrapServers = bootstrapServers
        self.clientID = clientID
        self.security = security
        self.rawProperties = rawProperties
    }

    /// The properties handed to librdkafka.
    var properties: [String: String] {
        var properties = ["bootstrap.servers": bootstrapServers, "client.id": clientID]
        properties.merge(security.properties) { _, security in security }
        properties.merge(rawProperties) { _, raw in raw }
        return properties
    }
}
