import Foundation
import SyntheticLA

/// The demo's view of the notification service: each school's details first (the name and number families are
/// given, the attendance lead's mailbox), and at the end what became of the messages the term's signals asked for.
struct MessagesSummary {
    let notification: APIClient

    struct SchoolDetails: Encodable {
        var name: String
        var phone: String
        var leadEmail: String
    }

    func recordSchools(_ la: SyntheticLA) async throws {
        for (index, school) in la.schools.enumerated() {
            try await notification.put("/v1/schools/\(school.urn)", SchoolDetails(
                name: school.name, phone: String(format: "01632 960%03d", index), leadEmail: "attendance.lead@school-\(school.urn).example"))
        }
        LAFeed.say("the schools' names, numbers and attendance leads' mailboxes recorded with the notification service")
    }

    struct Tallies: Decodable {
        struct Tally: Decodable {
            var kind: String
            var channel: String
            var status: String
            var count: Int
        }
        var messages: [Tally]
    }

    /// Waits until the messages stop changing, then prints them by kind, channel and status.
    func print() async throws {
        var last = -1, tallies = Tallies(messages: [])
        for _ in 0..<30 {
            tallies = try await notification.get("/v1/messages/summary", as: Tallies.self)
            let total = tallies.messages.reduce(0) { $0 + $1.count }
            if total == last { break }
            last = total
            try await Task.sleep(for: .seconds(2))
        }
        Swift.print("\nMessages (notification): \(last.grouped), each to one person on one channel")
        for tally in tallies.messages {
            Swift.print("  \(tally.kind.padding(toLength: 14, withPad: " ", startingAt: 0)) \(tally.channel.padding(toLength: 7, withPad: " ", startingAt: 0)) "
                        + "\(tally.status.padding(toLength: 24, withPad: " ", startingAt: 0)) \(tally.count.grouped)")
        }
        Swift.print("  (a past term replayed: first-day messages it learns of after 18:00 on their day are not sent but go into the school's 07:30 digest;")
        Swift.print("   support messages wait for the 16:00 batch on a school day; messages to professionals go at once)")
    }
}
