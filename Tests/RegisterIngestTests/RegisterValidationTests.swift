import AttendanceDomain
import Foundation
@testable import RegisterIngest
import Testing

/// A valid permanent UPN for LA 801, school 2000, year 05, with the given serial.
func upn(_ serial: Int) -> String {
    let body = "80120000" + "5" + String(format: "%03d", serial)
    return String(UPN.checkLetter(for: Array(body))!) + body
}

@Suite("Register documents: every error found, with its location, value and reason")
struct RegisterValidationTests {
    let validator = RegisterValidator(today: SchoolDate(iso: "2026-11-20")!)

    func document(_ json: String) throws -> RegisterDocument {
        try JSONDecoder().decode(RegisterDocument.self, from: Data(json.utf8))
    }

    @Test func aValidRegisterBecomesTypedMarks() throws {
        let register = try validator.validate(try document("""
            {"schoolUrn": "100000", "date": "2026-09-07", "session": "AM", "marks": [
              {"upn": "\(upn(1))", "code": "/"}, {"upn": "\(upn(2))", "code": "L", "minutesLate": 12}, {"upn": "\(upn(3))", "code": "N"}]}
            """))
        #expect(register.school.value == "100000")
        #expect(register.session == Session(date: SchoolDate(iso: "2026-09-07")!, half: .am))
        #expect(register.marks.map(\.code.code) == ["/", "L", "N"])
        #expect(register.marks[1].minutesLate == 12)
    }

    @Test func everyErrorIsReportedAtOnce() throws {
        let rejected = try #require(throws: RegisterRejected.self) {
            try validator.validate(try document("""
                {"schoolUrn": "10000", "date": "2026-11-21", "session": "XM", "marks": [
                  {"upn": "\(upn(1))", "code": "/"}, {"upn": "A801200005001", "code": "/"}, {"upn": "\(upn(1))", "code": "N"},
                  {"upn": "\(upn(4))", "code": "H"}, {"upn": "\(upn(5))", "code": "I", "minutesLate": 5}, {"code": "/"}]}
                """))
        }
        let byLocation = Dictionary(grouping: rejected.errors, by: \.location)
        #expect(byLocation["schoolUrn"]?.first?.value == "10000")
        #expect(byLocation["date"]?.first?.reason.contains("future") == true)
        #expect(byLocation["session"]?.first?.value == "XM")
        #expect(byLocation["marks[1].upn"]?.first?.reason == "check letter A does not match the UPN (expected B)")
        #expect(byLocation["marks[2].upn"]?.first?.reason == "this pupil is already marked in this register at marks[0].upn")
        #expect(byLocation["marks[3].code"]?.first == FieldError(location: "marks[3].code", value: "H", reason: "code H was withdrawn on 19 August 2024; use C"))
        #expect(byLocation["marks[4].minutesLate"]?.first?.reason == "minutes late go with code L or U, not I")
        #expect(byLocation["marks[5].upn"]?.first?.value == nil)
        #expect(rejected.errors.count == 8)
    }

    @Test func datesMustBeRealDays() throws {
        let rejected = try #require(throws: RegisterRejected.self) {
            try validator.validate(try document(#"{"schoolUrn": "100000", "date": "2026-02-30", "session": "PM", "marks": [{"upn": "\#(upn(1))", "code": "\\"}]}"#))
        }
        #expect(rejected.errors == [FieldError(location: "date", value: "2026-02-30", reason: "a date is a real calendar day written YYYY-MM-DD")])
    }

    @Test func theMorningAndAfternoonPresentCodesAreNotSwapped() throws {
        let pm = try #require(throws: RegisterRejected.self) {
            try validator.validate(try document(#"{"schoolUrn": "100000", "date": "2026-11-16", "session": "PM", "marks": [{"upn": "\#(upn(1))", "code": "\\"}, {"upn": "\#(upn(2))", "code": "/"}]}"#))
        }
        #expect(pm.errors == [FieldError(location: "marks[1].code", value: "/", reason: "/ is present in the morning; the afternoon's present code is \\")])
        let am = try #require(throws: RegisterRejected.self) {
            try validator.validate(try document(#"{"schoolUrn": "100000", "date": "2026-11-16", "session": "AM", "marks": [{"upn": "\#(upn(1))", "code": "\\"}]}"#))
        }
        #expect(am.errors.map(\.location) == ["marks[0].code"])
        #expect(try validator.validate(try document(#"{"schoolUrn": "100000", "date": "2026-11-16", "session": "AM", "marks": [{"upn": "\#(upn(1))", "code": "/"}]}"#)).marks.count == 1)
    }

    @Test func aRegisterWithoutMarksOrFieldsSaysWhatIsMissing() throws {
        let rejected = try #require(throws: RegisterRejected.self) { try validator.validate(try document("{}")) }
        #expect(Set(rejected.errors.map(\.location)) == ["schoolUrn", "date", "session", "marks"])
        let empty = try #require(throws: RegisterRejected.self) {
            try validator.validate(try document(#"{"schoolUrn": "100000", "date": "2026-09-07", "session": "AM", "marks": []}"#))
        }
        #expect(empty.errors.map(\.location) == ["marks"])
    }
}

@Suite("Register CSV files as MIS exports produce them")
struct RegisterCSVTests {
    let validator = RegisterValidator(today: SchoolDate(iso: "2026-11-20")!)

    @Test func manyRegistersInOneFileAreGroupedInOrder() throws {
        let csv = """
            school_urn,date,session,upn,code,minutes_late
            100000,2026-09-07,AM,\(upn(1)),/,
            100000,2026-09-07,AM,\(upn(2)),L,12
            100001,2026-09-07,AM,\(upn(3)),N,
            100000,2026-09-07,PM,\(upn(1)),"\\",
            100000,2026-09-07,AM,\(upn(4)),I,\r

            """
        let documents = try RegisterCSV.parse(csv)
        #expect(documents.count == 3)
        let first = try validator.validate(documents[0])
        #expect(first.marks.count == 3)
        #expect(first.marks[1].minutesLate == 12)
        #expect(try validator.validate(documents[1]).school.value == "100001")
        #expect(try validator.validate(documents[2]).marks.map(\.code.code) == ["\\"])
    }

    @Test func errorsNameTheLineAndColumn() throws {
        let csv = """
            school_urn,date,session,upn,code,minutes_late
            100000,2026-09-07,AM,\(upn(1)),/,
            100000,2026-09-07,AM,\(upn(2)),J,
            """
        let documents = try RegisterCSV.parse(csv)
        let rejected = try #require(throws: RegisterRejected.self) { try validator.validate(documents[0]) }
        #expect(rejected.errors == [FieldError(location: "line 3.code", value: "J", reason: "code J was withdrawn on 19 August 2024; use J1")])
    }

    @Test func aFileThatIsNotTheExpectedShapeIsRefused() throws {
        let wrongHeader = try #require(throws: RegisterRejected.self) { try RegisterCSV.parse("urn,day,upn\n100000,2026-09-07,x") }
        #expect(wrongHeader.errors.first?.location == "line 1")
        let short = try #require(throws: RegisterRejected.self) {
            try RegisterCSV.parse("school_urn,date,session,upn,code,minutes_late\n100000,2026-09-07,AM")
        }
        #expect(short.errors.first?.location == "line 2")
        let minutes = try #require(throws: RegisterRejected.self) {
            try RegisterCSV.parse("school_urn,date,session,upn,code,minutes_late\n100000,2026-09-07,AM,\(upn(1)),L,ten")
        }
        #expect(minutes.errors.first == FieldError(location: "line 2.minutes_late", value: "ten", reason: "minutes late is a whole number"))
        #expect(throws: RegisterRejected.self) { try RegisterCSV.parse("") }
    }

    @Test func quotedFieldsMayHoldCommasAndQuotes() {
        #expect(RegisterCSV.fields(of: #"a,"b,c","say ""hi""", d "#[...]) == ["a", "b,c", #"say "hi""#, "d"])
    }
}
