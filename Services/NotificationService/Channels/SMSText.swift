/// How long a text message is to a phone network: GSM 03.38 text in 160-character parts (153 when split), anything
/// else in UCS-2, 70 (67 when split). A message may take at most three parts (shared/PATHWAY.md §4.2).
enum SMSText {
    static let maximumParts = 3

    /// GSM 03.38's basic set; its extension characters take two places.
    static let basic = Set("@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà")
    static let extended = Set("^{}\\[~]|€\u{0C}")

    static func parts(_ text: String) -> Int {
        let gsm = text.allSatisfy { basic.contains($0) || extended.contains($0) }
        let length = gsm ? text.reduce(0) { $0 + (extended.contains($1) ? 2 : 1) } : text.utf16.count
        let (single, split) = gsm ? (160, 153) : (70, 67)
        return length <= single ? 1 : (length + split - 1) / split
    }

    /// The first of `candidates` that fits in three parts; the last one cut to fit otherwise.
    static func fitting(_ candidates: [String]) -> String {
        if let fits = candidates.first(where: { parts($0) <= maximumParts }) { return fits }
        var text = candidates.last ?? ""
        while parts(text + "…") > maximumParts && !text.isEmpty { text.removeLast() }
        return text + "…"
    }
}
