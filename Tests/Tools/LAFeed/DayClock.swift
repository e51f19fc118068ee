import AttendanceDomain
import Foundation

/// The notification service's clock file during the demo: a London time of the school day being streamed, written as
/// an ISO 8601 instant (atomically: the service reads it at every call).
struct DayClock {
    let file: String
    let day: SchoolDate

    func set(_ londonTime: String) throws {
        let parts = londonTime.split(separator: ":").compactMap { Int($0) }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Europe/London")!
        let components = DateComponents(year: day.year, month: day.month, day: day.day, hour: parts[0], minute: parts[1])
        guard let instant = calendar.date(from: components) else { return }
        let formatter = ISO8601DateFormatter()
        try Data(formatter.string(from: instant).utf8).write(to: URL(fileURLWithPath: file), options: .atomic)
    }
}
