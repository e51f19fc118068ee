import AttendanceDomain

/// One problem with a submitted register: where, what was there, and why it is refused.
struct FieldError: Sendable, Equatable, Codable, CustomStringConvertible {
    var location: String
    var value: String?
    var reason: String

    var description: String { "\(location) \(value.map { "\"\($0)\"" } ?? "(missing)"): \(reason)" }
}

/// Why a register (or a whole file) was refused: every problem found, each with its location.
struct RegisterRejected: Error, Sendable, Equatable {
    var errors: [FieldError]
}

/// A register that passed every check: typed, and safe to store.
struct ValidRegister: Sendable, Equatable {
    struct Mark: Sendable, Equatable {
        var upn: UPN
        var code: RegisterCode
        var minutesLate: Int?
    }

    var school: URN
    var session: Session
    var marks: [Mark]
}

/// Checks a register as a whole: all its errors are found and reported together, and a register with
/// any error is refused whole (a register is all or nothing).
struct RegisterValidator: Sendable {
    /// The day it is now where the schools are; a register cannot be dated after it.
    var today: SchoolDate
    /// The most marks one register may carry (a whole secondary school's session is about 2,000).
    var maximumMarks = 5_000

    func validate(_ document: RegisterDocument) throws(RegisterRejected) -> ValidRegister {
        var errors: [FieldError] = []
        let at = document.locations

        var school: URN?
        if let raw = document.schoolUrn {
            do { school = try URN(parsing: raw) } catch { errors.append(FieldError(location: at.field("schoolUrn"), value: raw, reason: error.description)) }
        } else {
            errors.append(FieldError(location: at.field("schoolUrn"), value: nil, reason: "the school's URN is required"))
        }

        var date: SchoolDate?
        if let raw = document.date {
            if let parsed = SchoolDate(iso: raw) {
                if parsed > today {
                    errors.append(FieldError(location: at.field("date"), value: raw, reason: "a register cannot be dated in the future (today is \(today.iso))"))
                } else {
                    date = parsed
                }
            } else {
                errors.append(FieldError(location: at.field("date"), value: raw, reason: "a date is a real calendar day written YYYY-MM-DD"))
            }
        } else {
            errors.append(FieldError(location: at.field("date"), value: nil, reason: "the register's date is required"))
        }

        var half: SessionHalf?
        if let raw = document.session {
            half = SessionHalf(parsing: raw)
            if half == nil { errors.append(FieldError(location: at.field("session"), value: raw, reason: "a session is AM or PM")) }
        } else {
            errors.append(FieldError(location: at.field("session"), value: nil, reason: "the session (AM or PM) is required"))
        }

        var marks: [ValidRegister.Mark] = []
        let rawMarks = document.marks ?? []
        if document.marks == nil {
            errors.append(FieldError(location: at.field("marks"), value: nil, reason: "a register lists its marks"))
        } else if rawMarks.isEmpty {
            errors.append(FieldError(location: at.field("marks"), value: "[]", reason: "a register has at least one mark"))
        } else if rawMarks.count > maximumMarks {
            errors.append(FieldError(location: at.field("marks"), value: String(rawMarks.count), reason: "a register has at most \(maximumMarks) marks"))
        }
        var firstPlace: [String: Int] = [:]
        for (index, mark) in rawMarks.enumerated() {
            var upn: UPN?
            if let raw = mark.upn {
                do {
                    upn = try UPN(parsing: raw)
                } catch {
                    errors.append(FieldError(location: at.mark(index, "upn"), value: raw, reason: error.description))
                }
                if let earlier = firstPlace[raw] {
                    errors.append(FieldError(location: at.mark(index, "upn"), value: raw, reason: "this pupil is already marked in this register at \(at.mark(earlier, "upn"))"))
                } else {
                    firstPlace[raw] = index
                }
            } else {
                errors.append(FieldError(location: at.mark(index, "upn"), value: nil, reason: "each mark names the pupil's UPN"))
            }
            var code: RegisterCode?
            if let raw = mark.code {
                do { code = try RegisterCode(parsing: raw) } catch { errors.append(FieldError(location: at.mark(index, "code"), value: raw, reason: error.description)) }
                // `/` is the morning's present code and `\` the afternoon's: the other way round is a mistake.
                if let parsed = code, let half, (parsed.code == "/" && half == .pm) || (parsed.code == "\\" && half == .am) {
                    errors.append(FieldError(location: at.mark(index, "code"), value: raw,
                                             reason: half == .pm ? "/ is present in the morning; the afternoon's present code is \\" : "\\ is present in the afternoon; the morning's present code is /"))
                    code = nil
                }
            } else {
                errors.append(FieldError(location: at.mark(index, "code"), value: nil, reason: "each mark has a register code"))
            }
            if let minutes = mark.minutesLate {
                if !(0...300).contains(minutes) {
                    errors.append(FieldError(location: at.mark(index, "minutesLate"), value: String(minutes), reason: "minutes late is a whole number from 0 to 300"))
                } else if let code, code.code != "L" && code.code != "U" {
                    errors.append(FieldError(location: at.mark(index, "minutesLate"), value: String(minutes), reason: "minutes late go with code L or U, not \(code.code)"))
                }
            }
            if let upn, let code { marks.append(ValidRegister.Mark(upn: upn, code: code, minutesLate: mark.minutesLate)) }
        }

        guard errors.isEmpty, let school, let date, let half else { throw RegisterRejected(errors: errors) }
        return ValidRegister(school: school, session: Session(date: date, half: half), marks: marks)
    }
}
