import AttendanceDomain
import Testing

@Suite("DfE 2024 register codes")
struct RegisterCodeTests {
    /// Written out by hand from DOMAIN.md, independently of RegisterCodeTable.
    static let expected: [(code: String, category: AttendanceCategory, possible: Bool)] = [
        ("/", .present, true), ("\\", .present, true), ("L", .present, true),
        ("K", .approvedEducationalActivity, true), ("V", .approvedEducationalActivity, true),
        ("P", .approvedEducationalActivity, true), ("W", .approvedEducationalActivity, true),
        ("B", .approvedEducationalActivity, true),
        ("D", .notCounted, false),
        ("C1", .authorisedAbsence, true), ("M", .authorisedAbsence, true), ("J1", .authorisedAbsence, true),
        ("S", .authorisedAbsence, true),
        ("X", .notCounted, false),
        ("C2", .authorisedAbsence, true), ("C", .authorisedAbsence, true), ("T", .authorisedAbsence, true),
        ("R", .authorisedAbsence, true), ("I", .authorisedAbsence, true), ("E", .authorisedAbsence, true),
        ("Q", .notCounted, false), ("Y1", .notCounted, false), ("Y2", .notCounted, false), ("Y3", .notCounted, false),
        ("Y4", .notCounted, false), ("Y5", .notCounted, false), ("Y6", .notCounted, false), ("Y7", .notCounted, false),
        ("G", .unauthorisedAbsence, true), ("N", .unauthorisedAbsence, true), ("O", .unauthorisedAbsence, true),
        ("U", .unauthorisedAbsence, true),
        ("Z", .notCounted, false), ("#", .notCounted, false),
    ]

    @Test("every code has its DfE category and possible-session rule", arguments: expected.map { $0.code })
    func categoryOfEveryCode(code: String) throws {
        let row = Self.expected.first { $0.code == code }!
        let parsed = try RegisterCode(parsing: code)
        #expect(parsed.category == row.category)
        #expect(parsed.countsInPossibleSessions == row.possible)
        #expect(!parsed.meaning.isEmpty)
    }

    @Test func theTableHasExactlyTheCodesInForce() {
        #expect(Set(RegisterCodeTable.all.map(\.code)) == Set(Self.expected.map(\.code)))
        #expect(RegisterCodeTable.all.count == Self.expected.count)
    }

    @Test func withdrawnCodesNameTheirReplacement() {
        #expect(throws: RegisterCodeError.withdrawn(code: "H", replacements: ["C"])) { try RegisterCode(parsing: "H") }
        #expect(throws: RegisterCodeError.withdrawn(code: "J", replacements: ["J1"])) { try RegisterCode(parsing: "J") }
        #expect(RegisterCodeError.withdrawn(code: "H", replacements: ["C"]).description == "code H was withdrawn on 19 August 2024; use C")
        #expect(RegisterCodeError.withdrawn(code: "J", replacements: ["J1"]).description == "code J was withdrawn on 19 August 2024; use J1")
        do {
            _ = try RegisterCode(parsing: "Y")
            Issue.record("Y was accepted")
        } catch {
            #expect(error.description == "code Y was withdrawn on 19 August 2024; use one of Y1..Y7")
        }
    }

    @Test("unknown codes are rejected", arguments: ["", "A", "n", "Y8", "//", " /", "C3"])
    func unknownCodes(raw: String) {
        #expect(throws: RegisterCodeError.unknown(code: raw)) { try RegisterCode(parsing: raw) }
    }

    @Test func theNationalPenaltyNoticeCodesAreEveryUnauthorisedCode() throws {
        // The national framework counts all unauthorised absence: G, N, O and U (an LA may narrow it).
        #expect(RegisterCodeTable.nationalPenaltyNoticeCodes == Set(RegisterCodeTable.all.filter { $0.category == .unauthorisedAbsence }.map(\.code)))
        #expect(RegisterCodeTable.nationalPenaltyNoticeCodes == ["G", "N", "O", "U"])
    }
}
