/// A school's Unique Reference Number: six digits, as Get Information about Schools issues them.
public struct URN: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    public let value: String

    public init(parsing raw: String) throws(IdentifierError) {
        guard raw.count == 6, raw.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            throw .invalid(field: "URN", reason: "a URN is 6 digits")
        }
        guard raw.first != "0" else { throw .invalid(field: "URN", reason: "a URN does not start with 0") }
        self.value = raw
    }

    public var description: String { value }
    public static func < (lhs: URN, rhs: URN) -> Bool { lhs.value < rhs.value }

    public init(from decoder: any Decoder) throws {
        let raw = try decoder.singleValueContainer().decode(String.self)
        do { self = try URN(parsing: raw) } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: error.description))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(value)
    }
}

/// A local authority's 3-digit code (the first three digits of a UPN it allocated).
public struct LACode: Sendable, Hashable, Codable, CustomStringConvertible {
    public let value: String

    public init(parsing raw: String) throws(IdentifierError) {
        guard raw.count == 3, raw.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            throw .invalid(field: "LA code", reason: "an LA code is 3 digits")
        }
        self.value = raw
    }

    public var description: String { value }
}

public enum IdentifierError: Error, Sendable, Equatable, CustomStringConvertible {
    case invalid(field: String, reason: String)

    public var description: String {
        switch self {
        case .invalid(_, let reason): return reason
        }
    }
}
