import Events
import Foundation
import Logging
import PostgresNIO

/// A person the service may write to about a pupil, as the roster has them. Addresses never leave this
/// service: logs, events and the audit carry ``Contact/key`` and a masked address.
struct Contact: Sendable, Equatable {
    var key: String
    var position: Int
    var name: String
    var relationship: String
    var parentalResponsibility: Bool
    var restricted: Bool
    var email: String?
    var mobile: String?
    var postalAddress: [String]?
    var language: String?
    var channel: String?

    /// Carers of a child looked after (foster, kinship, residential): they get what parents would.
    var isCarer: Bool { ["carer", "foster_carer", "foster carer", "kinship_carer", "residential_carer"].contains(relationship.lowercased()) }
    var isSocialWorker: Bool { ["social_worker", "social worker"].contains(relationship.lowercased()) }
}

/// The contacts table: replaced whole for a pupil on each roster update.
enum ContactBook {
    static func replace(upn: String, contacts: [PupilContact], on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.query("DELETE FROM contacts WHERE upn = \(upn)", logger: logger)
        for (position, contact) in contacts.enumerated() {
            // A v1 contact has no MIS id: its place in the list stands in (v1 rosters are replaced whole).
            let key = contact.contactId ?? "position-\(position)"
            let address = contact.postalAddress.map { $0.joined(separator: "\n") }
            try await connection.query("""
                INSERT INTO contacts (upn, contact_key, position, name, relationship, parental_responsibility, lives_with_pupil, restricted,
                                      email, mobile, postal_address, language, channel)
                VALUES (\(upn), \(key), \(position), \(contact.name), \(contact.relationship), \(contact.parentalResponsibility), \(contact.livesWithPupil),
                        \(contact.contactRestricted ?? false), \(contact.email), \(contact.mobile), \(address), \(contact.preferredLanguage), \(contact.preferredChannel))
                ON CONFLICT (upn, contact_key) DO NOTHING
                """, logger: logger)
        }
    }

    static func contacts(of upn: String, on connection: PostgresConnection, logger: Logger) async throws -> [Contact] {
        let rows = try await connection.query("""
            SELECT contact_key, position, name, relationship, parental_responsibility, restricted, email, mobile, postal_address, language, channel
            FROM contacts WHERE upn = \(upn) ORDER BY position
            """, logger: logger)
        var found: [Contact] = []
        for try await (key, position, name, relationship, pr, restricted, email, mobile, address, language, channel)
                in rows.decode((String, Int, String, String, Bool, Bool, String?, String?, String?, String?, String?).self) {
            found.append(Contact(key: key, position: position, name: name, relationship: relationship, parentalResponsibility: pr, restricted: restricted,
                                 email: email, mobile: mobile, postalAddress: address.map { $0.components(separatedBy: "\n") }, language: language, channel: channel))
        }
        return found
    }

    static func contact(_ key: String, of upn: String, on connection: PostgresConnection, logger: Logger) async throws -> Contact? {
        try await contacts(of: upn, on: connection, logger: logger).first { $0.key == key }
    }

    /// What a message needs to know of the pupil: the forename, whether they are looked after, whether they have a social worker.
    struct Pupil: Sendable {
        var forename: String
        var lookedAfter: Bool
        var hasSocialWorker: Bool
        /// The school whose roster last listed the pupil.
        var schoolUrn: String = ""
    }

    static func pupil(_ upn: String, on connection: PostgresConnection, logger: Logger) async throws -> Pupil? {
        let rows = try await connection.query("SELECT forename, looked_after, has_social_worker, school_urn FROM pupils WHERE upn = \(upn)", logger: logger)
        for try await (forename, lookedAfter, socialWorker, school) in rows.decode((String, Bool, Bool, String).self) {
            return Pupil(forename: forename, lookedAfter: lookedAfter, hasSocialWorker: socialWorker, schoolUrn: school)
        }
        return nil
    }

    /// The school's name, telephone number and attendance lead's mailbox, as the LA recorded them.
    struct School: Sendable {
        var name: String
        var phone: String
        var leadEmail: String
    }

    static func school(_ urn: String, on connection: PostgresConnection, logger: Logger) async throws -> School? {
        let rows = try await connection.query("SELECT name, phone, lead_email FROM schools WHERE urn = \(urn)", logger: logger)
        for try await (name, phone, email) in rows.decode((String, String, String).self) { return School(name: name, phone: phone, leadEmail: email) }
        return nil
    }
}
