import Crypto
import Foundation

enum Channel: String, Sendable, CaseIterable {
    case sms, email, letter

    /// The next channel to try when this one fails for good (statutory and safeguarding messages only).
    var fallback: Channel? {
        switch self {
        case .sms: .email
        case .email: .letter
        case .letter: nil
        }
    }
}

/// Why a message exists, which decides its timing and whether a family may opt out (shared/PATHWAY.md §4.3, §4.5).
enum MessageKind: String, Sendable {
    /// First-day unexplained absence to a family: held until 09:30, cancelled when explained, never after 18:00.
    case firstDay = "first_day"
    /// Threshold support letters to families: a daily batch, checked again at dispatch.
    case support
    /// Statutory letters: post to each parent, plus email when held; sent as soon as issued.
    case legal
    /// To professionals (social worker, virtual school, LA staff): sent at once, quiet hours do not apply.
    case professional
    /// The school attendance lead's morning digest.
    case digest
}

/// A message the planner decided on, before it is stored (its key makes a redelivery insert nothing).
struct PlannedMessage: Sendable, Equatable {
    var sourceEvent: UUID
    var requestId: String?
    var caseId: String?
    var schoolUrn: String
    var upn: String
    var kind: MessageKind
    var templateKey: String
    /// `parent`, `carer`, `social_worker`, `virtual_school`, `school_lead`, `la_officer`, `lead_professional`.
    var audience: String
    var contactKey: String?
    var channel: Channel
    var statutory: Bool
    var fields: [String: String]
    var sessionDate: String?
    /// `queued`, or a final status when the message is recorded but not sent (`suppressed_restricted`, `cancelled_stale`, ...).
    var status: String
    var detail: String?
    var dueAt: Date
    var staleAt: Date?

    /// `hash(sourceEventId, templateKey, contactId, channel)` (shared/PATHWAY.md §4.6).
    var idempotencyKey: String {
        Self.key(sourceEvent: sourceEvent, templateKey: templateKey, recipient: contactKey ?? audience, channel: channel)
    }

    static func key(sourceEvent: UUID, templateKey: String, recipient: String, channel: Channel) -> String {
        let text = [sourceEvent.uuidString.lowercased(), templateKey, recipient, channel.rawValue].joined(separator: "|")
        return SHA256.hash(data: Data(text.utf8)).map { String(format: "%02x", $0) }.joined()
    }
}
