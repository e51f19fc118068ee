import AttendanceDomain
import Foundation
import Events

/// A realistic synthetic local authority: primary, secondary and special schools; pupils with valid UPNs,
/// year groups, cohort flags at England's rates, families with siblings across schools, and contacts.
/// The same seed gives the same LA.
public struct SyntheticLA: Sendable {
    public enum Phase: String, Sendable { case primary, secondary, special }

    public struct School: Sendable {
        public let urn: String
        public let name: String
        public let phase: Phase
        public internal(set) var pupils: [Int] = []
    }

    public struct Pupil: Sendable {
        public let profile: PupilProfile
        public let contacts: [PupilContact]
        public let school: Int
        /// The share of sessions this pupil tends to miss, before day effects.
        public let propensity: Double
        /// Added to the propensity by the end of the period: a pupil drifting into absence.
        public let drift: Double
    }

    public let laCode: String
    public private(set) var schools: [School] = []
    public private(set) var pupils: [Pupil] = []

    /// About `pupilCount` pupils in `schoolCount` schools: one special school in ten, a quarter secondary.
    public init(seed: UInt64, schoolCount: Int = 20, pupilCount: Int = 8_000, laCode: String = "801") {
        self.laCode = laCode
        var random = SeededRandom(seed: seed)
        let specials = max(1, schoolCount / 10), secondaries = max(1, schoolCount / 4)
        let phases = (0..<schoolCount).map { $0 < specials ? Phase.special : ($0 < specials + secondaries ? .secondary : .primary) }
        // Secondary schools are about four times the size of primaries; special schools small.
        let weights = phases.map { $0 == .secondary ? 4.0 : ($0 == .special ? 0.4 : 1.0) }
        let total = weights.reduce(0, +)
        for (index, phase) in phases.enumerated() {
            schools.append(School(urn: String(100_000 + Int(seed % 1_000) * 100 + index), name: "\(Self.places[index % Self.places.count]) \(phase.rawValue.capitalized) School", phase: phase))
            let size = max(10, Int(Double(pupilCount) * weights[index] / total))
            for _ in 0..<size { addPupil(school: index, phase: phase, random: &random) }
        }
        linkSiblings(random: &random)
    }

    private mutating func addPupil(school: Int, phase: Phase, random: inout SeededRandom) {
        let serial = pupils.count
        let establishment = String(format: "%04d", 2_000 + school)
        let body = laCode + establishment + String(format: "%02d", 10 + serial / 1_000 % 90) + String(format: "%03d", serial % 1_000)
        let upn = String(UPN.checkLetter(for: Array(body))!) + body
        let yearGroup: Int = switch phase {
        case .primary: Int.random(in: 0...6, using: &random)
        case .secondary: Int.random(in: 7...11, using: &random)
        case .special: Int.random(in: 1...11, using: &random)
        }
        var flags = PupilProfile.Flags()
        flags.ehcPlan = phase == .special ? true : random.chance(0.025)
        flags.senSupport = !flags.ehcPlan && random.chance(0.13)
        flags.freeSchoolMeals = random.chance(0.25)
        flags.childLookedAfter = random.chance(0.007)
        flags.previouslyLookedAfter = !flags.childLookedAfter && random.chance(0.01)
        flags.childInNeed = flags.childLookedAfter || random.chance(0.03)
        flags.childProtectionPlan = flags.childInNeed && random.chance(0.15)
        flags.hasSocialWorker = flags.childLookedAfter || flags.childInNeed
        // Most pupils miss a few sessions; some a tenth or more; a few half or more. EHCP and FSM pupils
        // miss about twice as much (DOMAIN.md).
        let band = Double.random(in: 0..<1, using: &random)
        var propensity = band < 0.026 ? Double.random(in: 0.65...0.95, using: &random)
            : band < 0.14 ? Double.random(in: 0.09...0.22, using: &random)
            : Double.random(in: 0.0...0.055, using: &random)
        if flags.ehcPlan || flags.freeSchoolMeals { propensity = min(0.85, propensity * 1.45) }
        let drift = random.chance(0.03) ? Double.random(in: 0.1...0.3, using: &random) : 0
        let birthYear = 2026 - 5 - yearGroup - (random.chance(0.6) ? 0 : 1)
        let profile = PupilProfile(
            upn: upn, schoolUrn: schools[school].urn, forename: Self.forenames[serial % Self.forenames.count],
            surname: Self.surnames[(serial / 7) % Self.surnames.count],
            dateOfBirth: String(format: "%04d-%02d-%02d", birthYear, Int.random(in: 1...12, using: &random), Int.random(in: 1...28, using: &random)),
            yearGroup: yearGroup == 0 ? "R" : String(yearGroup), admissionDate: "2025-09-03", leavingDate: nil, flags: flags, familyId: nil)
        let parent = PupilContact(
            name: "\(Self.forenames[(serial + 11) % Self.forenames.count]) \(profile.surname)", relationship: "parent", parentalResponsibility: true,
            email: "family\(serial)@example.org", mobile: String(format: "+44 7700 9%05d", serial % 100_000), preferredLanguage: "en",
            preferredChannel: random.chance(0.7) ? "sms" : "email")
        pupils.append(Pupil(profile: profile, contacts: [parent], school: school, propensity: propensity, drift: drift))
        schools[school].pupils.append(serial)
    }

    /// About a third of pupils have a brother or sister in the LA, often at another school.
    private mutating func linkSiblings(random: inout SeededRandom) {
        var family = 0
        var index = 0
        var updated = pupils
        while index + 1 < pupils.count {
            if random.chance(0.18) {
                let other = Int.random(in: 0..<pupils.count, using: &random)
                if other != index, updated[other].profile.familyId == nil, updated[index].profile.familyId == nil {
                    family += 1
                    let id = "F\(laCode)-\(family)"
                    for member in [index, other] {
                        var profile = updated[member].profile
                        profile.familyId = id
                        profile.surname = updated[index].profile.surname
                        // Siblings share their absences' causes a little: the family's propensity is averaged.
                        let shared = (updated[index].propensity + updated[other].propensity) / 2
                        updated[member] = Pupil(profile: profile, contacts: updated[index].contacts, school: updated[member].school,
                                                propensity: (updated[member].propensity + shared) / 2, drift: updated[member].drift)
                    }
                }
            }
            index += 1
        }
        pupils = updated
    }

    static let places = ["Ashton", "Leigh", "Hindley", "Standish", "Orrell", "Ince", "Abram", "Golborne", "Lowton", "Tyldesley",
                         "Atherton", "Aspull", "Shevington", "Billinge", "Appley", "Pemberton", "Marsh Green", "Worsley", "Astley", "Bryn"]
    static let forenames = ["Olivia", "Noah", "Amelia", "Muhammad", "Isla", "George", "Ava", "Oliver", "Lily", "Leo", "Freya", "Arthur",
                            "Ivy", "Oscar", "Florence", "Harry", "Sophia", "Jack", "Mia", "Charlie", "Aisha", "Theo", "Zara", "Finley"]
    static let surnames = ["Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies", "Patel", "Wright",
                           "Robinson", "Wood", "Thompson", "Evans", "Walker", "Khan", "Roberts", "Hughes", "Green", "Lewis"]
}
