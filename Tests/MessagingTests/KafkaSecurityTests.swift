import Foundation
@testable import Messaging
import TestSupport
import Testing

/// The transport security settings reach librdkafka as its own properties, and the librdkafka this project builds
/// accepts them: it was built with TLS (OpenSSL) and SASL (SCRAM), which a production cluster needs.
@Suite("Kafka transport security")
struct KafkaSecurityTests {
    @Test func saslSSLBecomesLibrdkafkasPropertiesAndLibrdkafkaAcceptsThem() async throws {
        // A real CA certificate: the local PostgreSQL's (deploy/local/start makes it).
        let ca = try #require(ProcessInfo.processInfo.environment["POSTGRES_TLS_CA_FILE"], "deploy/local/env.sh sets POSTGRES_TLS_CA_FILE")
        let security = KafkaSecurity(securityProtocol: .saslSSL, saslMechanism: .scramSHA512, saslUsername: "register-ingest", saslPassword: "pw",
                                     caFile: ca)
        var client = KafkaConfiguration(bootstrapServers: "127.0.0.1:1", clientID: "security-test", security: security)
        #expect(client.properties["security.protocol"] == "sasl_ssl" && client.properties["sasl.mechanisms"] == "SCRAM-SHA-512"
                && client.properties["sasl.username"] == "register-ingest" && client.properties["ssl.ca.location"] == ca
                && client.properties["ssl.endpoint.identification.algorithm"] == "https")
        // Raw properties still win over the named settings.
        client.rawProperties = ["security.protocol": "ssl"]
        #expect(client.properties["security.protocol"] == "ssl")
        #expect(KafkaConfiguration(bootstrapServers: "b:9092", clientID: "c").properties["security.protocol"] == "plaintext")

        client.rawProperties = [:]
        let producer = try KafkaProducer(configuration: KafkaProducerConfiguration(client: client), logger: KafkaTest.logger)
        await producer.shutdown()
        var mutual = client
        mutual.security = KafkaSecurity(securityProtocol: .ssl, caFile: ca, verifyHostname: false)
        let tlsProducer = try KafkaProducer(configuration: KafkaProducerConfiguration(client: mutual), logger: KafkaTest.logger)
        await tlsProducer.shutdown()
    }
}
