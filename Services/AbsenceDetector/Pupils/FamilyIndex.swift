import Synchronization

/// Which pupils are siblings (the roster's family id), shared between the profiles consumer that keeps it
/// and the marks consumer that reads it. Holds UPNs and family ids only.
final class FamilyIndex: Sendable {
    private let state = Mutex<(familyOf: [PupilKey: String], members: [String: Set<PupilKey>])>(([:], [:]))

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

    /// The pupil's brothers and sisters (at any school), not the pupil.
    func siblings(of pupil: PupilKey) -> [PupilKey] {
        state.withLock { state in
            guard let family = state.familyOf[pupil], let members = state.members[family] else { return [] }
            return members.filter { $0 != pupil }.sorted { ($0.school, $0.upn) < ($1.school, $1.upn) }
        }
    }
}
