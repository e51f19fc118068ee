import AttendanceDomain
import Foundation

/// Books accepted referrals into panel slots (shared/PATHWAY.md §3.1), deterministically: the same requests
/// and sessions give the same calendar. The order:
/// 0. a deferred case sent back at top priority;
/// 1. a hard deadline within 30 days (a limitation date, a notice's end, a court direction), earliest first;
/// 2. severe absence, lowest attendance first;
/// 3. the time the request was accepted, earliest first;
/// 4. the case id.
/// Each goes to the earliest session starting at least the lead time (working days) after its acceptance
/// that has a free regular slot; the rest overflow to the following sessions, and a session's overflow slots
/// are used only when no session ahead has a regular one left. Bookings already made are never moved to make room.
enum Allocator {
    struct Waiting: Sendable, Equatable {
        var referralId: String
        var caseId: String
        var acceptedOn: SchoolDate
        var acceptedAt: Date
        var hardDeadline: SchoolDate?
        var severe: Bool
        var attendancePercent: Double?
        var topPriority: Bool
    }

    struct Session: Sendable, Equatable {
        var sessionId: String
        var date: SchoolDate
        var startsAt: Date
        /// Slot numbers already taken.
        var taken: Set<Int>
        var capacity: Int
        var overflow: Int
    }

    struct Placement: Sendable, Equatable {
        var referralId: String
        var sessionId: String
        var slot: Int
    }

    static func ordered(_ waiting: [Waiting], today: SchoolDate) -> [Waiting] {
        let horizon = today.adding(days: 30)
        func key(_ item: Waiting) -> (Int, Int, Int, Double, Double, String) {
            let deadline = item.hardDeadline.flatMap { $0 <= horizon ? $0.dayNumber : nil }
            return (item.topPriority ? 0 : 1, deadline ?? Int.max, item.severe ? 0 : 1, item.severe ? (item.attendancePercent ?? 0) : 0,
                    item.acceptedAt.timeIntervalSince1970, item.caseId)
        }
        return waiting.sorted { key($0) < key($1) }
    }

    static func allocate(_ waiting: [Waiting], into sessions: [Session], today: SchoolDate, leadWorkingDays: Int, calendar: WorkingCalendar) -> [Placement] {
        var sessions = sessions.sorted { ($0.startsAt, $0.sessionId) < ($1.startsAt, $1.sessionId) }
        var placements: [Placement] = []
        for item in ordered(waiting, today: today) {
            let earliest = calendar.adding(workingDays: leadWorkingDays, to: item.acceptedOn)
            // First a regular slot in the earliest session that has one, then an overflow slot in the earliest that has one.
            for usingOverflow in [false, true] {
                guard let index = sessions.firstIndex(where: { $0.date >= earliest && freeSlot($0, overflow: usingOverflow) != nil }),
                      let slot = freeSlot(sessions[index], overflow: usingOverflow) else { continue }
                sessions[index].taken.insert(slot)
                placements.append(Placement(referralId: item.referralId, sessionId: sessions[index].sessionId, slot: slot))
                break
            }
        }
        return placements
    }

    static func freeSlot(_ session: Session, overflow: Bool) -> Int? {
        let range = overflow ? session.capacity..<(session.capacity + session.overflow) : 0..<session.capacity
        return range.first { !session.taken.contains($0) }
    }
}
