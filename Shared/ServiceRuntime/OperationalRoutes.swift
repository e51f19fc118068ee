import Foundation
import Hummingbird
import NIOCore
import Prometheus

/// `/health`, `/ready` and `/metrics`: what an orchestrator and Prometheus ask of every service.
public enum OperationalRoutes {
    public static func add<Context: RequestContext>(
        to router: Router<Context>, checks: [any ReadinessCheck], registry: PrometheusCollectorRegistry
    ) {
        // Alive: the process answers. Nothing else is checked, so an orchestrator does not restart a
        // service merely because PostgreSQL or the broker is away.
        router.get("/health") { _, _ in
            jsonResponse(status: .ok, body: #"{"status":"alive"}"#)
        }
        router.get("/ready") { _, _ in
            let report = await ReadinessReport.run(checks)
            let body = (try? EventEncoding.sortedJSON(report)) ?? #"{"status":"not ready"}"#
            return jsonResponse(status: report.isReady ? .ok : .serviceUnavailable, body: body)
        }
        router.get("/metrics") { _, _ in
            // Readiness as a metric, judged at each scrape: Prometheus sees a service that answers but cannot do its job.
            let report = await ReadinessReport.run(checks)
            registry.makeGauge(name: "service_ready", help: "1 when /ready answers 200, else 0").set(report.isReady ? 1.0 : 0.0)
            return Response(
                status: .ok,
                headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(bytes: registry.emitToBuffer())))
        }
    }

    static func jsonResponse(status: HTTPResponse.Status, body: String) -> Response {
        Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: body)))
    }
}

enum EventEncoding {
    static func sortedJSON(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }
}
