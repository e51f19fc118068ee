import AttendanceDomain
import Events

/// The documents of the register-ingest contract, as an MIS connector sends them for a generated LA.
public enum ConnectorDocuments {
    /// `PUT /v1/schools/{urn}/pupils`: a school's roster.
    public struct Roster: Encodable, Sendable {
        public struct Pupil: Encodable, Sendable {
            var upn, forename, surname, dateOfBirth, yearGroup, admissionDate: String
            var flags: PupilProfile.Flags
            var familyId: String?
            var contacts: [PupilContact]
        }
        public var pupils: [Pupil]

        public init(school: SyntheticLA.School, la: SyntheticLA) {
            pupils = school.pupils.map { index in
                let pupil = la.pupils[index], profile = pupil.profile
                return Pupil(upn: profile.upn, forename: profile.forename, surname: profile.surname, dateOfBirth: profile.dateOfBirth,
                             yearGroup: profile.yearGroup, admissionDate: profile.admissionDate, flags: profile.flags,
                             familyId: profile.familyId, contacts: pupil.contacts)
            }
        }
    }

    /// `POST /v1/registers`: one session's register.
    public struct Register: Encodable, Sendable {
        struct Mark: Encodable, Sendable { var upn, code: String }
        public var schoolUrn, date, session: String
        var marks: [Mark]

        public init(_ register: TermRegisters.Register) {
            schoolUrn = register.schoolUrn
            date = register.date.iso
            session = register.half.rawValue
            marks = register.marks.map { Mark(upn: $0.upn, code: $0.code) }
        }
    }
}
