/// A Unique Pupil Number: a check letter then 12 characters
/// (3-digit LA code, 4-digit establishment number, 2-digit year of allocation, 3-character serial).
///
/// A permanent UPN ends in a digit; a temporary one ends in a letter from the check-letter alphabet.
/// (UK Government Data Standards Catalogue, Unique Pupil Number v2.0.)
public struct UPN: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    public let value: String

    public enum Kind: String, Sendable { case permanent, temporary }

    /// The letters used for the check letter and for a temporary UPN's last character: no I, O or S.
    static let alphabet: [Character] = Array("ABCDEFGHJKLMNPQRTUVWXYZ")

    public init(parsing raw: String) throws(UPNError) {
        // Registers carry thousands of UPNs: a valid one is checked on its ASCII bytes; anything else takes
        // the Character path, which names what is wrong.
        if !UPN.isValidASCII(raw.utf8) { try UPN.validateCharacters(raw) }
        self.value = raw
    }

    /// Throws what is wrong with `raw` as a UPN, character by character.
    static func validateCharacters(_ raw: String) throws(UPNError) {
        let chars = Array(raw)
        guard chars.count == 13 else { throw .wrongLength(raw.count) }
        guard chars[1...11].allSatisfy({ $0.isASCII && $0.isNumber }) else { throw .notDigits }
        let last = chars[12]
        guard (last.isASCII && last.isNumber) || UPN.alphabet.contains(last) else { throw .badLastCharacter(last) }
        guard let expected = UPN.checkLetter(for: chars[1...12]) else { throw .notDigits }
        guard chars[0] == expected else { throw .wrongCheckLetter(found: chars[0], expected: expected) }
    }

    /// The check letter for the 12 characters after it, or nil when one of them is not allowed.
    public static func checkLetter(for body: some Collection<Character>) -> Character? {
        var sum = 0
        for (index, character) in body.enumerated() {
            let weight = index + 2
            if let digit = character.wholeNumberValue, character.isASCII {
                sum += digit * weight
            } else if let position = alphabet.firstIndex(of: character) {
                sum += position * weight
            } else {
                return nil
            }
        }
        return alphabet[sum % 23]
    }

    /// Each ASCII byte's position in `alphabet`, or -1.
    private static let letterPositions: [Int8] = (0..<128).map { byte in
        alphabet.firstIndex(of: Character(Unicode.Scalar(UInt8(byte)))).map(Int8.init) ?? -1
    }

    /// True when `bytes` are exactly a valid UPN: 13 ASCII characters, digits 2 to 12, a digit or an
    /// alphabet letter last, and the right check letter first.
    static func isValidASCII(_ bytes: String.UTF8View) -> Bool {
        guard bytes.count == 13 else { return false }
        var sum = 0
        var check: UInt8 = 0
        for (index, byte) in bytes.enumerated() {
            guard byte < 128 else { return false }
            let weight = index + 1  // the weight of body position index - 1 is (index - 1) + 2
            if index == 0 {
                check = byte
            } else if byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") {
                sum += Int(byte - UInt8(ascii: "0")) * weight
            } else if index == 12, letterPositions[Int(byte)] >= 0 {
                sum += Int(letterPositions[Int(byte)]) * weight
            } else {
                return false
            }
        }
        return alphabet[sum % 23].asciiValue == check
    }

    public var kind: Kind { value.last!.isNumber ? .permanent : .temporary }

    /// The 3-digit LA code that allocated the UPN.
    public var laCode: String { String(value.dropFirst().prefix(3)) }

    public var description: String { value }

    public static func < (lhs: UPN, rhs: UPN) -> Bool { lhs.value < rhs.value }

    public init(from decoder: any Decoder) throws {
        let raw = try decoder.singleValueContainer().decode(String.self)
        do { self = try UPN(parsing: raw) } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: error.description))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(value)
    }
}

public enum UPNError: Error, Sendable, Equatable, CustomStringConvertible {
    case wrongLength(Int)
    case notDigits
    case badLastCharacter(Character)
    case wrongCheckLetter(found: Character, expected: Character)

    public var description: String {
        switch self {
        case .wrongLength(let n): return "a UPN has 13 characters, this has \(n)"
        case .notDigits: return "characters 2 to 12 of a UPN must be digits"
        case .badLastCharacter(let c): return "the last character of a UPN must be a digit or a letter other than I, O or S, not \(c)"
        case .wrongCheckLetter(let found, let expected): return "check letter \(found) does not match the UPN (expected \(expected))"
        }
    }
}
