import AttendanceDomain
import Synchronization

/// What the roster says that the rules need, shared between the profiles consumer that keeps it and the
/// marks consumer that reads it: families (siblings), children looked after, compulsory school age (its
/// dates, worked out from the date of birth, which is not kept), and who is on each school's roll (admission
/// and leaving dates). Holds UPNs, family ids and dates.
final class RosterIndex: Sendable {
    /// One pupil's facts; a pupil with no profile yet has none (and is judged as of compulsory school age).
    struct Facts: Sendable, Equatable {
        var lookedAfter = false
        var compulsorySchoolAge: CompulsorySchoolAge?
        /// On the school's roll from this date (nil: not known, profiles stored before it was kept).
        var admitted: SchoolDate?
        /// Left the school after this date (nil: still on roll).
        var left: SchoolDate?
    }

    private struct State {
        var familyOf: [PupilKey: String] = [:]
        var members: [String: Set<PupilKey>] = [:]
        var facts: [PupilKey: Facts] = [:]
        /// Schools that have sent a roster: their pupils are known.
        var rostered: Set<String> = []
    }

    private let state = Mutex(State())

    init() {}

    /// Records a pupil's family (nil: none), moving the pupil out of a previous family.
    func set(_ pupil: PupilKey, family: String?) {
        state.withLock { state in
            if let previous = state.familyOf[pupil] {
                state.members[previous]?.remove(pupil)
                if state.members[previous]?.isEmpty == true { state.members[previous] = nil }
            }
            state.familyOf[pupil] = family
            if let family { state.members[family, default: []].insert(pupil) }
        }
    }

    func set(_ pupil: PupilKey, facts: Facts?) {
        state.withLock { state in
            state.facts[pupil] = facts
            if facts != nil { state.rostered.insert(pupil.school) }
        }
    }

    /// The sessions (ordinals) the pupil was on the school's roll for; nil when every session counts (the
    /// school has sent no roster, or the dates are not known). A pupil the roster does not list: none.
    func rollSessions(_ pupil: PupilKey) -> ClosedRange<Int32>? {
        state.withLock { state in
            guard state.rostered.contains(pupil.school) else { return nil }
            // Int32.min...Int32.min holds no real session: none.
            guard let facts = state.facts[pupil] else { return Int32.min...Int32.min }
            guard facts.admitted != nil || facts.left != nil else { return nil }
            let from = facts.admitted.map { Int32($0.dayNumber * 2) } ?? Int32.min
            let until = facts.left.map { Int32($0.dayNumber * 2 + 1) } ?? Int32.max
            return from <= until ? from...until : Int32.min...Int32.min
        }
    }

    /// Whether the pupil was on the school's roll on this date. A school that has sent no roster has every
    /// pupil it marks on its roll (the marks are all there is); one that has, only those its roster lists,
    /// between their admission and leaving dates.
    func isOnRoll(_ pupil: PupilKey, on date: SchoolDate) -> Bool {
        state.withLock { state in
            guard state.rostered.contains(pupil.school) else { return true }
            guard let facts = state.facts[pupil] else { return false }
            if let admitted = facts.admitted, date < admitted { return false }
            if let left = facts.left, date > left { return false }
            return true
        }
    }

    func facts(of pupil: PupilKey) -> Facts? {
        state.withLock { $0.facts[pupil] }
    }

    /// The pupil's brothers and sisters (at any school), not the pupil.
    func siblings(of pupil: PupilKey) -> [PupilKey] {
        state.withLock { state in
            guard let family = state.familyOf[pupil], let members = state.members[family] else { return [] }
            return members.filter { $0 != pupil }.sorted { ($0.school, $0.upn) < ($1.school, $1.upn) }
        }
    }
}
