import AttendanceDomain
import Foundation
import SyntheticLA

/// The term's last school day, played live for the notification service (`--clock-file` with `--notification`): its
/// clock is held at each moment of the day until the pipeline has caught up and the messages of that moment are planned
/// and sent, so the demo shows families' first-day texts and emails going out at 09:30 and support messages at 16:00,
/// as they would on that day. The earlier days stream faster than a dispatcher's day.
struct LiveDay {
    let ingest: APIClient
    let detector: APIClient
    let notification: APIClient
    let clock: DayClock
    let concurrency: Int

    func play(_ day: TermRegisters.Day) async throws -> Int {
        let amendsEarlierDays = day.amendments.filter { $0.date < day.date }, amendsToday = day.amendments.filter { $0.date == day.date }
        var marks = 0
        try clock.set("08:50")
        marks += try await ingest.postAll(day.onTime.filter { $0.half == .am }, concurrency: concurrency)
        try clock.set("09:20")  // the office's follow-ups explain some absences before any message is due
        marks += try await ingest.postAll(amendsEarlierDays, concurrency: concurrency)
        try await settle()
        try clock.set("09:40")  // first-day messages were due at 09:30
        try await settle()
        LAFeed.say("\(day.date.iso) 09:40: first-day messages sent for the absences still unexplained")
        marks += try await ingest.postAll(day.late.filter { $0.half == .am }, concurrency: concurrency)
        try clock.set("13:50")
        marks += try await ingest.postAll(day.onTime.filter { $0.half == .pm }, concurrency: concurrency)
        try clock.set("14:30")
        marks += try await ingest.postAll(day.late.filter { $0.half == .pm } + amendsToday, concurrency: concurrency)
        try await settle()
        try clock.set("16:05")  // the support batch at 16:00, re-checked against the latest figures
        try await settle()
        LAFeed.say("\(day.date.iso) 16:05: the day's support messages sent")
        try clock.set("18:30")
        return marks
    }

    /// Waits until the detector's signals and the notification service's messages have stopped changing for three
    /// seconds (two minutes at most): the pipeline has caught up with what was sent.
    func settle() async throws {
        var last = "", steady = 0
        for _ in 0..<120 {
            try await Task.sleep(for: .seconds(1))
            let signals = try await detector.get("/v1/signals?limit=0", as: SignalsAnswer.self).total
            let tallies = try await notification.get("/v1/messages/summary", as: MessagesSummary.Tallies.self).messages
            let now = "\(signals) " + tallies.map { "\($0.kind)/\($0.channel)/\($0.status)=\($0.count)" }.sorted().joined(separator: " ")
            steady = now == last ? steady + 1 : 0
            last = now
            if steady >= 3 { return }
        }
    }
}
