import Foundation
import Metrics

/// `ingest_last_register_timestamp_seconds{school}`: when each school's last register was stored (Unix seconds), for the
/// alert on a school that has sent nothing by the morning's set hour. One series a school.
enum RegisterMetrics {
    static func stored(schools: some Sequence<String>, at instant: Date = Date()) {
        for school in Set(schools) {
            Gauge(label: "ingest_last_register_timestamp_seconds", dimensions: [("school", school)]).record(instant.timeIntervalSince1970)
        }
    }
}
