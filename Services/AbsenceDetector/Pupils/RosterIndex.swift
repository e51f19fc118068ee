import AttendanceDomain
import Synchronization

/// What the roster says that the rules need, shared between the profiles consumer that keeps it and the
/// marks consumer that reads it: families (siblings), children looked after, and compulsory school age
/// (its dates, worked out from the date of birth, which is not kept). Holds UPNs, family ids and dates.
final class RosterIndex: Sendable {
    /// One pupil's facts; a pupil with no profile yet has none (and is judged as of compulsory school age).
    struct Facts: Sendable, Equatable {
        var lookedAfter = false
        var compulsorySchoolAge: CompulsorySchoolAge?
    }

    private struct State {
        var familyOf: [PupilKey: String] = [:]
        var members: [String: Set<PupilKey>] = [:]
        var facts: [PupilKey: Facts] = [:]
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
        state.withLock { $0.facts[pupil] = facts }
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
