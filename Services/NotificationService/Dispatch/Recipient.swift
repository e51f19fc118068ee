import Foundation
import Logging
import PostgresNIO

/// Where one stored message goes, worked out at send time from what the service holds now (a contact restricted
/// since the message was planned gets nothing), and the words that fill its template.
struct Recipient: Sendable {
    /// The phone number, email address or postal address lines.
    enum Address: Sendable {
        case phone(String)
        case email(String)
        case post(name: String, lines: [String])

        var masked: String {
            switch self {
            case .phone(let number): ContactAddress.maskPhone(number)
            case .email(let address): ContactAddress.maskEmail(address)
            case .post(_, let lines): ContactAddress.maskPostal(lines)
            }
        }
    }

    var address: Address
    var language: String?
    var name: String?

    /// Why a message cannot go to anyone: recorded as its final status.
    struct Unreachable: Error {
        var status: String
        var detail: String
    }

    static func resolve(_ message: StoredMessage, settings: NotificationSettings, on connection: PostgresConnection, logger: Logger) async throws -> Recipient {
        switch message.audience {
        case "parent", "carer", "social_worker":
            guard let key = message.contactKey, let contact = try await ContactBook.contact(key, of: message.upn, on: connection, logger: logger) else {
                throw Unreachable(status: "failed", detail: "the contact is no longer on the roster")
            }
            if contact.restricted { throw Unreachable(status: "suppressed_restricted", detail: "the contact is restricted on the roster") }
            let address: Address? = switch message.channel {
            case .sms: contact.mobile.flatMap(ContactAddress.ukMobile).map(Address.phone)
            case .email: contact.email.flatMap(Self.mailbox).map(Address.email)
            case .letter: contact.postalAddress.map { .post(name: contact.name, lines: $0) }
            }
            guard let address else { throw Unreachable(status: "failed", detail: "the contact has no \(message.channel.rawValue) address") }
            return Recipient(address: address, language: contact.language, name: contact.name)
        case "virtual_school":
            guard let mailbox = settings.virtualSchoolEmail.flatMap(Self.mailbox) else { throw Unreachable(status: "failed", detail: "NOTIFY_VIRTUAL_SCHOOL_EMAIL is not set") }
            return Recipient(address: .email(mailbox), language: nil, name: "Virtual school head")
        case "school_lead":
            guard let school = try await ContactBook.school(message.schoolUrn, on: connection, logger: logger) else {
                throw Unreachable(status: "failed", detail: "school \(message.schoolUrn) has no attendance lead's mailbox: PUT /v1/schools/\(message.schoolUrn)")
            }
            return Recipient(address: .email(school.leadEmail), language: nil, name: nil)
        default:
            guard let mailbox = message.fields["email"].flatMap(Self.mailbox) else {
                throw Unreachable(status: "failed", detail: "the request names no email address for \(message.audience)")
            }
            return Recipient(address: .email(mailbox), language: nil, name: message.fields["recipientName"])
        }
    }

    /// An address fit for `RCPT TO` and `To:`: one `@`, no spaces, controls or angle brackets (never a header injection).
    static func mailbox(_ address: String) -> String? {
        let parts = address.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[1].contains("."),
              !address.unicodeScalars.contains(where: { $0.properties.isWhitespace || $0.value < 0x20 || "<>\",;".unicodeScalars.contains($0) }) else { return nil }
        return address
    }

    /// The template's values: the request's fields, then the child's forename, the school and its number.
    static func values(_ message: StoredMessage, recipient: Recipient, on connection: PostgresConnection, logger: Logger) async throws -> [String: Any] {
        var values: [String: Any] = message.fields
        let pupil = message.upn.isEmpty ? nil : try await ContactBook.pupil(message.upn, on: connection, logger: logger)
        let school = try await ContactBook.school(message.schoolUrn, on: connection, logger: logger)
        values["child"] = pupil?.forename ?? "your child"
        values["school"] = school?.name ?? "the school"
        values["phone"] = school?.phone ?? "its usual number"
        values["contactName"] = recipient.name ?? ""
        if let items = message.fields["items"] { values["items"] = items.split(separator: "\n").map(String.init) }
        if message.fields["severe"] == nil { values["severe"] = false }
        return values
    }
}
