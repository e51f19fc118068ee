import Foundation

/// The service's "now". Timing rules (09:30, 18:00, quiet hours, the digest) are tested by moving a clock the
/// tests control: ``FileClock`` reads the instant from a file. Production uses the system clock.
protocol ServiceClock: Sendable {
    func now() -> Date
}

struct SystemClock: ServiceClock {
    func now() -> Date { Date() }
}

/// Reads `NOTIFY_CLOCK_FILE` (an ISO 8601 instant) at every call; the system clock while the file is missing or unreadable.
struct FileClock: ServiceClock {
    let path: String

    func now() -> Date {
        guard let data = FileManager.default.contents(atPath: path),
              let text = String(data: data, encoding: .utf8)?.trimmingCharacters(in: .whitespacesAndNewlines),
              let date = try? Date(text, strategy: .iso8601) else { return Date() }
        return date
    }
}
