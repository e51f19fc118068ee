import AttendanceDomain
import Events
import Foundation
import Messaging

/// A large LA as register events on `attendance.marks`, the shape register-ingest publishes: classes of
/// 30 pupils, one `MarksRecorded` per class register, schools of about 250 pupils.
struct SyntheticLA {
    let pupils: Int
    /// Distinguishes one run's schools and pupils from an earlier run's still on the topic (0..<90).
    let run: Int
    static let classSize = 30
    static let schoolSize = 250

    var schools: Int { (pupils + Self.schoolSize - 1) / Self.schoolSize }

    func urn(_ school: Int) -> String { String(format: "%06d", 100_000 + run * 5_000 + school) }

    func upn(_ pupil: Int) -> String {
        let body = String(format: "%03d", 800 + run) + String(format: "%04d", pupil / 100_000) + String(format: "%05d", pupil % 100_000)
        return String(UPN.checkLetter(for: Array(body))!) + body
    }

    /// School days from Monday 7 September 2026.
    func days(_ count: Int, from start: SchoolDate = SchoolDate(iso: "2026-09-07")!) -> [SchoolDate] {
        var days: [SchoolDate] = []
        var day = start
        while days.count < count {
            if !day.isWeekend { days.append(day) }
            day = day.adding(days: 1)
        }
        return days
    }

    /// One session's registers: every class of every school. About 7% absence, more for a tenth of pupils.
    /// Every pupil has one mark, so the session carries `pupils` marks.
    func session(_ session: Session, generator: inout some RandomNumberGenerator) throws -> [KafkaOutgoingMessage] {
        var messages: [KafkaOutgoingMessage] = []
        for school in 0..<schools {
            let first = school * Self.schoolSize
            let last = min(pupils, first + Self.schoolSize)
            var start = first
            while start < last {
                let end = min(last, start + Self.classSize)
                let marks = (start..<end).map { pupil in
                    MarksRecorded.Mark(upn: upn(pupil), code: code(for: pupil, session: session, generator: &generator))
                }
                messages.append(try Self.message(school: urn(school), session: session, marks: marks))
                start = end
            }
        }
        return messages
    }

    func code(for pupil: Int, session: Session, generator: inout some RandomNumberGenerator) -> String {
        let absence = pupil % 10 == 0 ? 0.25 : 0.05
        if Double.random(in: 0..<1, using: &generator) < absence {
            return ["N", "I", "I", "M", "O", "G"].randomElement(using: &generator)!
        }
        return session.half == .am ? "/" : "\\"
    }

    static func message(school: String, session: Session, marks: [MarksRecorded.Mark]) throws -> KafkaOutgoingMessage {
        let envelope = EventEnvelope(type: MarksRecorded.type, schemaVersion: MarksRecorded.version, source: "detector-benchmark", key: school,
                                     data: MarksRecorded(schoolUrn: school, date: session.date.iso, session: session.half.rawValue, marks: marks))
        return KafkaOutgoingMessage(topic: TopicCatalogue.attendanceMarks.name, key: school, value: try EventCodec.encode(envelope))
    }
}
