import AttendanceDomain
import Foundation
import NIOCore
import SyntheticLA

/// A small deterministic term for the tests: schools of pupils with mostly good attendance, a few pupils
/// drifting into persistent and severe absence, `N` marks recoded `I` two days later.
struct GeneratedTerm {
    var seed: UInt64
    var schools: Int
    var pupilsPerSchool: Int
    var schoolDays: Int

    func urn(_ school: Int) -> String { String(format: "%06d", 700_000 + Int(seed % 1000) * 10 + school) }

    func upn(school: Int, pupil: Int) -> String {
        let body = "801" + String(format: "%04d", 7000 + school) + "26" + String(format: "%03d", pupil)
        return String(UPN.checkLetter(for: Array(body))!) + body
    }

    var days: [SchoolDate] {
        var days: [SchoolDate] = []
        var day = SchoolDate(iso: "2026-09-07")!
        while days.count < schoolDays {
            if !day.isWeekend { days.append(day) }
            day = day.adding(days: 1)
        }
        return days
    }

    /// Every session's register, then each amendment as the register sent again two days later.
    func registers() -> [ByteBuffer] {
        var generator = SeededRandom(seed: seed)
        var documents: [ByteBuffer] = []
        var pending: [(due: Int, body: ByteBuffer)] = []
        for (dayIndex, day) in days.enumerated() {
            for half in ["AM", "PM"] {
                for school in 0..<schools {
                    var marks: [(String, String)] = []
                    var amended: [(String, String)] = []
                    for pupil in 0..<pupilsPerSchool {
                        // Pupil 0..4 of each school are severe absentees, 5..19 persistent, the rest mostly present.
                        let absence = pupil < 5 ? 0.6 : (pupil < 20 ? 0.15 : 0.03)
                        let roll = Double(generator.next() % 10_000) / 10_000
                        var code = half == "AM" ? "/" : "\\"
                        if roll < absence {
                            code = ["N", "I", "O", "M", "G"][Int(generator.next() % 5)]
                        } else if roll < absence + 0.01 {
                            code = "L"
                        }
                        marks.append((upn(school: school, pupil: pupil), code))
                        amended.append((upn(school: school, pupil: pupil), code == "N" && generator.next() % 2 == 0 ? "I" : code))
                    }
                    documents.append(body(school: school, date: day, half: half, marks: marks))
                    if amended.map(\.1) != marks.map(\.1) { pending.append((dayIndex + 2, body(school: school, date: day, half: half, marks: amended))) }
                }
            }
            documents += pending.filter { $0.due == dayIndex }.map(\.body)
            pending.removeAll { $0.due == dayIndex }
        }
        return documents + pending.map(\.body)
    }

    private func body(school: Int, date: SchoolDate, half: String, marks: [(String, String)]) -> ByteBuffer {
        let list = marks.map { #"{"upn":"\#($0.0)","code":"\#($0.1 == "\\" ? "\\\\" : $0.1)"}"# }.joined(separator: ",")
        return ByteBuffer(string: #"{"schoolUrn":"\#(urn(school))","date":"\#(date.iso)","session":"\#(half)","marks":[\#(list)]}"#)
    }
}
