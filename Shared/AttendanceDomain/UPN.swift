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
        let chars = Array(raw)
        guard chars.count == 13 else { throw .wrongLength(raw.count) }
        guard chars[1...11].allSatisfy({ $0.isASCII && $0.isNumber }) else { throw .notDigits }
        let last = chars[12]
        guard (last.isASCII && last.isNumber) || UPN.alphabet.contains(last) else { throw .badLastCharacter(last) }
        guard let expected = UPN.checkLetter(for: chars[1...12]) else { throw .notDigits }
        guard chars[0] == expected else { throw .wrongCheckLetter(found: chars[0], expected: expected) }
        self.value = raw
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
