/// Reads the CSV that MIS exports produce: the header `school_urn,date,session,upn,code,minutes_late`
/// and one mark a line, many registers in one file. Lines are grouped into registers by school, date
/// and session, in the order the registers first appear; error locations name the line and column.
enum RegisterCSV {
    static let header = ["school_urn", "date", "session", "upn", "code", "minutes_late"]

    /// The registers in the file, or the errors that make the file unreadable as a whole.
    static func parse(_ text: String) throws(RegisterRejected) -> [RegisterDocument] {
        // Excel's "CSV UTF-8" starts the file with a byte-order mark.
        let text = text.unicodeScalars.first == "\u{FEFF}" ? String(text.unicodeScalars.dropFirst()) : text
        var lines = text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }).map { line in
            line.hasSuffix("\r") ? line.dropLast() : line
        }
        while let last = lines.last, last.isEmpty { lines.removeLast() }
        guard let first = lines.first else {
            throw RegisterRejected(errors: [FieldError(location: "line 1", value: nil, reason: "the file is empty; expected the header \(header.joined(separator: ","))")])
        }
        let columns = fields(of: first).map { $0.lowercased() }
        guard columns == header || columns == Array(header.prefix(5)) else {
            throw RegisterRejected(errors: [FieldError(location: "line 1", value: String(first), reason: "expected the header \(header.joined(separator: ","))")])
        }

        var order: [String] = []
        var registers: [String: (document: RegisterDocument, prefixes: [String])] = [:]
        var errors: [FieldError] = []
        for (offset, line) in lines.enumerated().dropFirst() where !line.isEmpty {
            let number = offset + 1
            let values = fields(of: line)
            guard values.count == columns.count || (values.count == 5 && columns.count == 6) else {
                errors.append(FieldError(location: "line \(number)", value: String(line), reason: "expected \(columns.count) comma-separated values, found \(values.count)"))
                continue
            }
            var minutes: Int?
            if values.count == 6, !values[5].isEmpty {
                guard let parsed = Int(values[5]) else {
                    errors.append(FieldError(location: "line \(number).minutes_late", value: values[5], reason: "minutes late is a whole number"))
                    continue
                }
                minutes = parsed
            }
            let key = "\(values[0])|\(values[1])|\(values[2])"
            if registers[key] == nil {
                order.append(key)
                var document = RegisterDocument(schoolUrn: values[0], date: values[1], session: values[2], marks: [])
                document.locations = RegisterDocument.Locations(register: "line \(number)", markPrefixes: [])
                registers[key] = (document, [])
            }
            registers[key]!.document.marks!.append(.init(upn: values[3], code: values[4], minutesLate: minutes))
            registers[key]!.prefixes.append("line \(number)")
        }
        guard errors.isEmpty else { throw RegisterRejected(errors: errors) }
        return order.map { key in
            var (document, prefixes) = registers[key]!
            document.locations.markPrefixes = prefixes
            return document
        }
    }

    /// Splits one line on commas, honouring double quotes ("" inside quotes is a quote).
    static func fields(of line: Substring) -> [String] {
        var fields: [String] = []
        var current = ""
        var quoted = false
        var iterator = line.makeIterator()
        while let character = iterator.next() {
            switch character {
            case "\"" where quoted:
                // Either the closing quote or the first half of an escaped one.
                var lookahead = iterator
                if lookahead.next() == "\"" { current.append("\""); iterator = lookahead } else { quoted = false }
            case "\"" where current.isEmpty:
                quoted = true
            case "," where !quoted:
                fields.append(current.trimmingSpaces)
                current = ""
            default:
                current.append(character)
            }
        }
        fields.append(current.trimmingSpaces)
        return fields
    }
}

extension String {
    var trimmingSpaces: String {
        var text = Substring(self)
        while text.first == " " { text.removeFirst() }
        while text.last == " " { text.removeLast() }
        return String(text)
    }
}
