/// A pupil as the roster describes them, for the detector's cohorts and the pathway's referrals.
/// No contact details: those travel on `pupils.contacts`, to the notification service alone.
public struct PupilProfile: Codable, Sendable, Equatable {
    public struct Flags: Codable, Sendable, Equatable {
        public var childLookedAfter = false
        public var previouslyLookedAfter = false
        public var senSupport = false
        public var ehcPlan = false
        public var freeSchoolMeals = false
        public var childInNeed = false
        public var childProtectionPlan = false
        public var hasSocialWorker = false
        public init() {}

        // A flag left out means false: MIS exports often send only the flags that are set.
        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            func flag(_ key: CodingKeys) throws -> Bool { try container.decodeIfPresent(Bool.self, forKey: key) ?? false }
            childLookedAfter = try flag(.childLookedAfter)
            previouslyLookedAfter = try flag(.previouslyLookedAfter)
            senSupport = try flag(.senSupport)
            ehcPlan = try flag(.ehcPlan)
            freeSchoolMeals = try flag(.freeSchoolMeals)
            childInNeed = try flag(.childInNeed)
            childProtectionPlan = try flag(.childProtectionPlan)
            hasSocialWorker = try flag(.hasSocialWorker)
        }

        enum CodingKeys: String, CodingKey {
            case childLookedAfter, previouslyLookedAfter, senSupport, ehcPlan, freeSchoolMeals, childInNeed, childProtectionPlan, hasSocialWorker
        }
    }

    public var upn: String
    public var schoolUrn: String
    public var forename: String
    public var surname: String
    public var dateOfBirth: String
    /// `N1`, `N2`, `R`, or `1` to `14`.
    public var yearGroup: String
    public var admissionDate: String
    public var leavingDate: String?
    public var flags: Flags
    /// Links siblings across schools.
    public var familyId: String?
    /// Version 2: the pupil's parents and carers, without contact details (those are on `pupils.contacts`):
    /// what the pathway needs to address notices to each parent with parental responsibility. Absent in v1.
    public var parents: [ParentRef]?

    public init(upn: String, schoolUrn: String, forename: String, surname: String, dateOfBirth: String, yearGroup: String,
                admissionDate: String, leavingDate: String?, flags: Flags, familyId: String?, parents: [ParentRef]? = nil) {
        self.parents = parents
        self.upn = upn
        self.schoolUrn = schoolUrn
        self.forename = forename
        self.surname = surname
        self.dateOfBirth = dateOfBirth
        self.yearGroup = yearGroup
        self.admissionDate = admissionDate
        self.leavingDate = leavingDate
        self.flags = flags
        self.familyId = familyId
    }
}

/// A parent or carer of a pupil as `pupils.profiles` carries them: no name, no contact details.
public struct ParentRef: Codable, Sendable, Equatable {
    /// The MIS's stable id of the contact: the same parent of two children has one id.
    public var contactId: String
    public var relationship: String
    public var parentalResponsibility: Bool
    public var livesWithPupil: Bool
    /// A court order (or the like) restricts contact: never send this person anything about the pupil.
    public var contactRestricted: Bool

    public init(contactId: String, relationship: String, parentalResponsibility: Bool, livesWithPupil: Bool, contactRestricted: Bool) {
        self.contactId = contactId
        self.relationship = relationship
        self.parentalResponsibility = parentalResponsibility
        self.livesWithPupil = livesWithPupil
        self.contactRestricted = contactRestricted
    }
}

/// Someone to contact about a pupil.
public struct PupilContact: Codable, Sendable, Equatable {
    /// Version 2: the MIS's stable id of the contact (absent in v1).
    public var contactId: String?
    /// Version 2: contact is restricted (a court order): the notification service sends nothing to them.
    public var contactRestricted: Bool?
    /// Version 2: whether the contact lives with the pupil.
    public var livesWithPupil: Bool?
    public var name: String
    public var relationship: String
    public var parentalResponsibility: Bool
    public var email: String?
    public var mobile: String?
    public var preferredLanguage: String?
    /// `email`, `sms`, `letter` or `in_app`.
    public var preferredChannel: String?
    /// Version 2 (optional): the postal address, one line each, the postcode last.
    public var postalAddress: [String]?

    public init(contactId: String? = nil, name: String, relationship: String, parentalResponsibility: Bool, email: String?, mobile: String?,
                preferredLanguage: String?, preferredChannel: String?, livesWithPupil: Bool? = nil, contactRestricted: Bool? = nil,
                postalAddress: [String]? = nil) {
        self.postalAddress = postalAddress
        self.contactId = contactId
        self.livesWithPupil = livesWithPupil
        self.contactRestricted = contactRestricted
        self.name = name
        self.relationship = relationship
        self.parentalResponsibility = parentalResponsibility
        self.email = email
        self.mobile = mobile
        self.preferredLanguage = preferredLanguage
        self.preferredChannel = preferredChannel
    }
}

/// On `pupils.profiles`: the profiles a roster upload added or changed.
public struct PupilProfilesUpdated: Codable, Sendable, Equatable {
    public static let type = "pupils.profiles-updated"
    /// 2 adds `parents` to each profile; a consumer reads both (the field is optional).
    public static let version = 2
    public var schoolUrn: String
    public var pupils: [PupilProfile]
    public init(schoolUrn: String, pupils: [PupilProfile]) {
        self.schoolUrn = schoolUrn
        self.pupils = pupils
    }
}

/// On `pupils.contacts`: the contacts a roster upload added or changed, for the notification service.
public struct PupilContactsUpdated: Codable, Sendable, Equatable {
    public static let type = "pupils.contacts-updated"
    /// 2 adds `contactId`, `livesWithPupil` and `contactRestricted` to each contact; a consumer reads both.
    public static let version = 2
    public struct Entry: Codable, Sendable, Equatable {
        public var upn: String
        public var contacts: [PupilContact]
        public init(upn: String, contacts: [PupilContact]) {
            self.upn = upn
            self.contacts = contacts
        }
    }
    public var schoolUrn: String
    public var pupils: [Entry]
    public init(schoolUrn: String, pupils: [Entry]) {
        self.schoolUrn = schoolUrn
        self.pupils = pupils
    }
}
