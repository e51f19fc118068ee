/// How a client authenticates to the brokers and encrypts the connection: Kafka's `security.protocol` with SASL
/// (SCRAM or PLAIN) credentials and TLS files, handed to librdkafka as its properties. PLAINTEXT is for the local
/// broker only; a production cluster is `SASL_SSL` with SCRAM.
public struct KafkaSecurity: Sendable, Hashable {
    public enum SecurityProtocol: String, Sendable, Hashable, CaseIterable {
        case plaintext = "PLAINTEXT", ssl = "SSL", saslPlaintext = "SASL_PLAINTEXT", saslSSL = "SASL_SSL"

        public var usesSASL: Bool { self == .saslPlaintext || self == .saslSSL }
        public var usesTLS: Bool { self == .ssl || self == .saslSSL }
    }

    public enum SASLMechanism: String, Sendable, Hashable, CaseIterable {
        case scramSHA256 = "SCRAM-SHA-256", scramSHA512 = "SCRAM-SHA-512", plain = "PLAIN"
    }

    public var securityProtocol: SecurityProtocol
    public var saslMechanism: SASLMechanism?
    public var saslUsername: String?
    public var saslPassword: String?
    /// PEM file of the CA that signed the brokers' certificates (the system's store when nil).
    public var caFile: String?
    /// A client certificate and key (mutual TLS), PEM files.
    public var certificateFile: String?
    public var keyFile: String?
    public var keyPassword: String?
    /// Check the broker's certificate names its host (`https`, librdkafka's default); `none` only for a lab.
    public var verifyHostname: Bool

    public init(securityProtocol: SecurityProtocol = .plaintext, saslMechanism: SASLMechanism? = nil, saslUsername: String? = nil,
                saslPassword: String? = nil, caFile: String? = nil, certificateFile: String? = nil, keyFile: String? = nil,
                keyPassword: String? = nil, verifyHostname: Bool = true) {
        self.securityProtocol = securityProtocol
        self.saslMechanism = saslMechanism
        self.saslUsername = saslUsername
        self.saslPassword = saslPassword
        self.caFile = caFile
        self.certificateFile = certificateFile
        self.keyFile = keyFile
        self.keyPassword = keyPassword
        self.verifyHostname = verifyHostname
    }

    public static let plaintext = KafkaSecurity()

    /// librdkafka's names for them.
    var properties: [String: String] {
        var properties = ["security.protocol": securityProtocol.rawValue.lowercased()]
        if securityProtocol.usesSASL {
            properties["sasl.mechanisms"] = (saslMechanism ?? .scramSHA512).rawValue
            if let saslUsername { properties["sasl.username"] = saslUsername }
            if let saslPassword { properties["sasl.password"] = saslPassword }
        }
        if securityProtocol.usesTLS {
            if let caFile { properties["ssl.ca.location"] = caFile }
            if let certificateFile { properties["ssl.certificate.location"] = certificateFile }
            if let keyFile { properties["ssl.key.location"] = keyFile }
            if let keyPassword { properties["ssl.key.password"] = keyPassword }
            properties["ssl.endpoint.identification.algorithm"] = verifyHostname ? "https" : "none"
        }
        return properties
    }
}
