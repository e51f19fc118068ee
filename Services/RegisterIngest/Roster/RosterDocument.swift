import AttendanceDomain
import Events

/// `PUT /v1/schools/{urn}/pupils`: the school's pupils as its MIS holds them.
struct RosterDocument: Decodable, Sendable {
    struct Pupil: Decodable, Sendable {
        var upn: String?
        var forename: String?
        var surname: String?
        var dateOfBirth: String?
        var yearGroup: String?
        var admissionDate: String?
        var leavingDate: String?
        var flags: PupilProfile.Flags?
        var familyId: String?
        var contacts: [Contact]?
    }

    struct Contact: Decodable, Sendable {
        /// The MIS's stable id of the contact (roster v2): required to appear among the pupil's parents.
        var contactId: String?
        var livesWithPupil: Bool?
        /// A court order (or the like) restricts contact with this person.
        var contactRestricted: Bool?
        var name: String?
        var relationship: String?
        var parentalResponsibility: Bool?
        var email: String?
        var mobile: String?
        var preferredLanguage: String?
        var preferredChannel: String?
        /// The postal address, one line each, the postcode last: statutory letters go by post.
        var postalAddress: [String]?
    }

    var pupils: [Pupil]?
    /// True when the roster is the school's whole roll: a stored pupil it leaves out is then a leaver.
    /// Without it, pupils left out are kept as they are (a connector may send only what changed).
    var complete: Bool?
}

/// A roster's pupil that passed every check.
struct RosterEntry: Sendable, Equatable {
    var profile: PupilProfile
    var contacts: [PupilContact]
}

/// Checks a roster whole and reports every problem with its location (`pupils[3].dateOfBirth`).
struct RosterValidator: Sendable {
    static let yearGroups: Set<String> = Set(["N1", "N2", "R"] + (1...14).map(String.init))
    static let channels: Set<String> = ["email", "sms", "letter", "in_app"]
    var today: SchoolDate

    func validate(_ document: RosterDocument, school: URN) throws(RegisterRejected) -> [RosterEntry] {
        var errors: [FieldError] = []
        guard let pupils = document.pupils else { throw RegisterRejected(errors: [FieldError(location: "pupils", value: nil, reason: "a roster lists its pupils")]) }
        var entries: [RosterEntry] = []
        var seen: [String: Int] = [:]
        for (index, pupil) in pupils.enumerated() {
            let at = { (field: String) in "pupils[\(index)].\(field)" }
            func required(_ value: String?, _ field: String, _ what: String) -> String? {
                guard let value, !value.trimmingSpaces.isEmpty else { errors.append(FieldError(location: at(field), value: value, reason: "\(what) is required")); return nil }
                return value
            }
            func date(_ value: String?, _ field: String, required isRequired: Bool) -> SchoolDate? {
                guard let value else {
                    if isRequired { errors.append(FieldError(location: at(field), value: nil, reason: "a date YYYY-MM-DD is required")) }
                    return nil
                }
                guard let parsed = SchoolDate(iso: value) else { errors.append(FieldError(location: at(field), value: value, reason: "a date is a real calendar day written YYYY-MM-DD")); return nil }
                return parsed
            }
            var upn: String?
            if let raw = pupil.upn {
                do { upn = try UPN(parsing: raw).value } catch { errors.append(FieldError(location: at("upn"), value: raw, reason: error.description)) }
                if let earlier = seen[raw] { errors.append(FieldError(location: at("upn"), value: raw, reason: "this pupil is already listed at pupils[\(earlier)]")) } else { seen[raw] = index }
            } else {
                errors.append(FieldError(location: at("upn"), value: nil, reason: "each pupil has a UPN"))
            }
            let forename = required(pupil.forename, "forename", "a forename")
            let surname = required(pupil.surname, "surname", "a surname")
            let birth = date(pupil.dateOfBirth, "dateOfBirth", required: true)
            if let birth, birth > today { errors.append(FieldError(location: at("dateOfBirth"), value: birth.iso, reason: "a date of birth cannot be in the future")) }
            var yearGroup: String?
            if let raw = pupil.yearGroup, Self.yearGroups.contains(raw) { yearGroup = raw } else {
                errors.append(FieldError(location: at("yearGroup"), value: pupil.yearGroup, reason: "a year group is N1, N2, R or 1 to 14"))
            }
            let admission = date(pupil.admissionDate, "admissionDate", required: true)
            let leaving = date(pupil.leavingDate, "leavingDate", required: false)
            if let admission, let leaving, leaving < admission {
                errors.append(FieldError(location: at("leavingDate"), value: leaving.iso, reason: "a pupil cannot leave before their admission date \(admission.iso)"))
            }
            var contacts: [PupilContact] = []
            var parents: [ParentRef] = []
            var contactIds: [String: Int] = [:]
            for (contactIndex, contact) in (pupil.contacts ?? []).enumerated() {
                let where_ = { (field: String) in at("contacts[\(contactIndex)].\(field)") }
                let name = contact.name.flatMap { $0.trimmingSpaces.isEmpty ? nil : $0 }
                if name == nil { errors.append(FieldError(location: where_("name"), value: contact.name, reason: "a contact has a name")) }
                // Contact details are personal data: an error names the field, never echoes the value.
                if let email = contact.email, !(email.contains("@") && email.contains(".")
                                                && !email.unicodeScalars.contains(where: { $0.properties.isWhitespace || $0.value < 0x20 || "<>\",;".unicodeScalars.contains($0) })) {
                    errors.append(FieldError(location: where_("email"), value: nil, reason: "not an email address"))
                }
                if let mobile = contact.mobile {
                    let digits = mobile.filter(\.isNumber)
                    if !(10...15).contains(digits.count) || !mobile.allSatisfy({ $0.isNumber || " +-()".contains($0) }) {
                        errors.append(FieldError(location: where_("mobile"), value: nil, reason: "not a phone number (10 to 15 digits)"))
                    }
                }
                // Notify's address block holds 7 lines: the contact's name and up to 6 of address.
                if let lines = contact.postalAddress, lines.isEmpty || lines.count > 6
                    || lines.contains(where: { $0.trimmingSpaces.isEmpty || $0.count > 80 || $0.unicodeScalars.contains { $0.value < 0x20 } }) {
                    errors.append(FieldError(location: where_("postalAddress"), value: nil, reason: "an address is 1 to 6 lines of at most 80 characters, the postcode last"))
                }
                if let channel = contact.preferredChannel, !Self.channels.contains(channel) {
                    errors.append(FieldError(location: where_("preferredChannel"), value: channel, reason: "a channel is email, sms, letter or in_app"))
                }
                if let id = contact.contactId {
                    if id.trimmingSpaces.isEmpty || id.count > 64 {
                        errors.append(FieldError(location: where_("contactId"), value: id, reason: "a contact id is the MIS's id, 1 to 64 characters"))
                    } else if let earlier = contactIds[id] {
                        errors.append(FieldError(location: where_("contactId"), value: id, reason: "this contact is already listed for the pupil at contacts[\(earlier)]"))
                    } else {
                        contactIds[id] = contactIndex
                        parents.append(ParentRef(contactId: id, relationship: contact.relationship ?? "", parentalResponsibility: contact.parentalResponsibility ?? false,
                                                 livesWithPupil: contact.livesWithPupil ?? false, contactRestricted: contact.contactRestricted ?? false))
                    }
                }
                if let name {
                    contacts.append(PupilContact(contactId: contact.contactId, name: name, relationship: contact.relationship ?? "",
                                                 parentalResponsibility: contact.parentalResponsibility ?? false,
                                                 email: contact.email, mobile: contact.mobile, preferredLanguage: contact.preferredLanguage,
                                                 preferredChannel: contact.preferredChannel, livesWithPupil: contact.livesWithPupil,
                                                 contactRestricted: contact.contactRestricted, postalAddress: contact.postalAddress))
                }
            }
            if let upn, let forename, let surname, let birth, let yearGroup, let admission {
                entries.append(RosterEntry(
                    profile: PupilProfile(upn: upn, schoolUrn: school.value, forename: forename, surname: surname, dateOfBirth: birth.iso,
                                          yearGroup: yearGroup, admissionDate: admission.iso, leavingDate: leaving?.iso,
                                          flags: pupil.flags ?? PupilProfile.Flags(), familyId: pupil.familyId,
                                          parents: parents.isEmpty ? nil : parents),
                    contacts: contacts))
            }
        }
        guard errors.isEmpty else { throw RegisterRejected(errors: errors) }
        return entries
    }
}
