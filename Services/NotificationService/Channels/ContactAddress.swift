/// UK mobile numbers (the only ones an SMS goes to) and the masked forms of addresses that the audit keeps.
enum ContactAddress {
    /// `07xxx xxxxxx`, `+447xxx xxxxxx` or `00447…`, with spaces, dashes or brackets: a UK mobile (07 then 9 digits).
    static func ukMobile(_ raw: String) -> String? {
        var digits = raw.filter { !" -()".contains($0) }
        if digits.hasPrefix("+44") { digits = "0" + digits.dropFirst(3) } else if digits.hasPrefix("0044") { digits = "0" + digits.dropFirst(4) }
        guard digits.count == 11, digits.hasPrefix("07"), digits.allSatisfy(\.isASCII), digits.allSatisfy(\.isNumber) else { return nil }
        return digits
    }

    /// `07*******23`: enough for a person to recognise the number, not to use it.
    static func maskPhone(_ number: String) -> String {
        guard number.count > 4 else { return "****" }
        return String(number.prefix(2)) + String(repeating: "*", count: number.count - 4) + String(number.suffix(2))
    }

    /// `j***@e******.org`.
    static func maskEmail(_ address: String) -> String {
        let parts = address.split(separator: "@", maxSplits: 1)
        guard parts.count == 2 else { return "***" }
        let domain = parts[1].split(separator: ".")
        let host = domain.first.map { String($0.prefix(1)) + String(repeating: "*", count: max(0, $0.count - 1)) } ?? ""
        return String(parts[0].prefix(1)) + "***@" + host + (domain.count > 1 ? "." + domain.dropFirst().joined(separator: ".") : "")
    }

    /// The postcode only (the last line).
    static func maskPostal(_ lines: [String]) -> String {
        "postcode " + (lines.last.map { String($0.prefix(4)) } ?? "") + "…"
    }
}
