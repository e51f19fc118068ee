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

        /// The sessions (ordinals) from admission to leaving; nil when neither date is known.
        var rollSessions: ClosedRange<Int32>? {
            guard admitted != nil || left != nil else { return nil }
            let from = admitted.map { Int32($0.dayNumber * 2) } ?? Int32.min
            let until = left.map { Int32($0.dayNumber * 2 + 1) } ?? Int32.max
            // Int32.min...Int32.min holds no real session: none.
            return from <= until ? from...until : Int32.min...Int32.min
        }
    }

    private struct State {
        var familyOf: [PupilKey: String] = [:]
        var members: [String: Set<PupilKey>] = [:]
        var facts: [PupilKey: Facts] = [:]
        /// Schools whose roster this index has heard of: the pupils they do not list are not on their roll.
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

    /// Of these pupils, those at a school whose roster is known that it does not list (here: the marks handler
    /// reads their stored profiles before judging, in case another instance stored them since).
    func unlisted(_ pupils: some Sequence<PupilKey>) -> Set<PupilKey> {
        state.withLock { state in Set(pupils.filter { state.facts[$0] == nil && state.rostered.contains($0.school) }) }
    }

    /// The sessions (ordinals) the pupil was on the school's roll for (``isOnRoll(_:on:)``); nil when every
    /// session counts (a school without a roster, or no dates known).
    func rollSessions(_ pupil: PupilKey) -> ClosedRange<Int32>? {
        state.withLock { state in
            guard let facts = state.facts[pupil] else { return state.rostered.contains(pupil.school) ? Int32.min...Int32.min : nil }
            return facts.rollSessions
        }
    }

    /// Whether the pupil was on the school's roll on this date. A school that has sent no roster has every
    /// pupil it marks on its roll (the marks are all there is); one that has, only those its roster lists,
    /// from their admission date to their leaving date. Marks for the others are stored and counted by
    /// register-ingest (`unknownPupils`), for the school to correct; they are judged once the roster lists them.
    func isOnRoll(_ pupil: PupilKey, on date: SchoolDate) -> Bool {
        state.withLock { state in
            guard let facts = state.facts[pupil] else { return !state.rostered.contains(pupil.school) }
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
