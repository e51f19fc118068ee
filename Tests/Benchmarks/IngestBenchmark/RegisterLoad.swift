import AttendanceDomain
import Foundation
import NIOCore

/// Distinct registers (school, date, session) of `marksEach` valid marks, in the documented JSON shape.
/// Schools get consecutive URNs from `firstSchool`, dates run back from yesterday over school days.
struct RegisterLoad {
    var registers: Int
    var marksEach: Int
    var firstSchool: Int

    var totalMarks: Int { registers * marksEach }
    /// Enough schools that no school needs more than 120 sessions (a term).
    var schoolCount: Int { max(1, (registers + 119) / 120) }
    var schoolURNs: Set<String> { Set((0..<schoolCount).map(urn)) }

    func urn(_ school: Int) -> String { String(format: "%06d", 300_000 + firstSchool + school) }

    /// UPN body: LA 801, the school's establishment number, then a two-digit year and serial unique per pupil.
    func upn(school: Int, pupil: Int) -> String {
        let body = "801" + String(format: "%04d", (firstSchool + school) % 10_000) + String(format: "%02d%03d", 10 + pupil / 1_000, pupil % 1_000)
        return String(UPN.checkLetter(for: Array(body))!) + body
    }

    func bodies() throws -> [ByteBuffer] {
        let codes = ["/", "/", "/", "/", "/", "/", "/", "/", "L", "N", "I", "M"]
        var schoolDays: [SchoolDate] = []
        var day = SchoolDate.today(inTimeZone: "Europe/London").adding(days: -1)
        while schoolDays.count < 60 {
            if !day.isWeekend { schoolDays.append(day) }
            day = day.adding(days: -1)
        }
        return (0..<registers).map { index in
            let school = index % schoolCount
            let slot = index / schoolCount
            let date = schoolDays[slot / 2]
            var json = #"{"schoolUrn":"\#(urn(school))","date":"\#(date.iso)","session":"\#(slot % 2 == 0 ? "AM" : "PM")","marks":["#
            for pupil in 0..<marksEach {
                if pupil > 0 { json += "," }
                let code = codes[(pupil &* 7 &+ index) % codes.count]
                json += #"{"upn":"\#(upn(school: school, pupil: pupil))","code":"\#(code == "/" && slot % 2 == 1 ? "\\\\" : code)"}"#
            }
            json += "]}"
            return ByteBuffer(string: json)
        }
    }
}
