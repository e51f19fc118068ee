@testable import AttendanceDomain
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

    /// The byte-level check that valid UPNs take must accept exactly what the character-level one accepts.
    @Test func theFastCheckAgreesWithTheCharacterCheckOnEveryOneCharacterChange() {
        var generator = SystemRandomNumberGenerator()
        let replacements: [Character] = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZa -é٣")
        var compared = 0
        for _ in 0..<200 {
            var body = (0..<11).map { _ in Character(String(Int.random(in: 0...9, using: &generator))) }
            body.append(Bool.random(using: &generator) ? Character(String(Int.random(in: 0...9, using: &generator))) : UPN.alphabet.randomElement(using: &generator)!)
            let valid = String(UPN.checkLetter(for: body)!) + String(body)
            var candidates = [valid, String(valid.dropLast()), valid + "1"]
            for index in 0..<13 {
                for replacement in replacements {
                    var characters = Array(valid)
                    characters[index] = replacement
                    candidates.append(String(characters))
                }
            }
            for candidate in candidates {
                let byCharacters = (try? UPN.validateCharacters(candidate)) != nil
                #expect(UPN.isValidASCII(candidate.utf8) == byCharacters, "\(candidate)")
                compared += 1
            }
            #expect(UPN.isValidASCII(valid.utf8))
        }
        #expect(compared == 200 * (3 + 13 * replacements.count))
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
