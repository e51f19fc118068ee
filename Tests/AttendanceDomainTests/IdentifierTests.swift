import AttendanceDomain
import Testing

@Suite("UPN and URN")
struct IdentifierTests {
    @Test func permanentUPNWithTheRightCheckLetter() throws {
        let upn = try UPN(parsing: "B801200005001")
        #expect(upn.kind == .permanent)
        #expect(upn.laCode == "801")
    }

    @Test func wrongCheckLetterIsRejected() {
        #expect(throws: UPNError.wrongCheckLetter(found: "A", expected: "B")) { try UPN(parsing: "A801200005001") }
    }

    @Test func temporaryUPNsEndInALetterThatCountsByItsPlaceInTheAlphabet() throws {
        // 8·2 + 1·4 + 2·5 + 5·10 = 80, plus A (0) · 13 = 80; 80 mod 23 = 11 → M.
        #expect(try UPN(parsing: "M80120000500A").kind == .temporary)
        // B is 1: 80 + 13 = 93; 93 mod 23 = 1 → B.
        #expect(try UPN(parsing: "B80120000500B").kind == .temporary)
        #expect(throws: UPNError.wrongCheckLetter(found: "A", expected: "M")) { try UPN(parsing: "A80120000500A") }
    }

    @Test("malformed UPNs are rejected with a reason", arguments: [
        ("B80120000500", UPNError.wrongLength(12)),
        ("B8012000050011", UPNError.wrongLength(14)),
        ("B8012000X5001", UPNError.notDigits),
        ("B80120000500I", UPNError.badLastCharacter("I")),
        ("B80120000500O", UPNError.badLastCharacter("O")),
        ("B80120000500S", UPNError.badLastCharacter("S")),
    ])
    func malformed(raw: String, error: UPNError) {
        #expect(throws: error) { try UPN(parsing: raw) }
    }

    @Test func urnIsSixDigits() throws {
        #expect(try URN(parsing: "100000").value == "100000")
        #expect(throws: IdentifierError.self) { try URN(parsing: "10000") }
        #expect(throws: IdentifierError.self) { try URN(parsing: "1000000") }
        #expect(throws: IdentifierError.self) { try URN(parsing: "10000A") }
        #expect(throws: IdentifierError.self) { try URN(parsing: "012345") }
        #expect(try LACode(parsing: "801").value == "801")
        #expect(throws: IdentifierError.self) { try LACode(parsing: "80") }
    }
}
