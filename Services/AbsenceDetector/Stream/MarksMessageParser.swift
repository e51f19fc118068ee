/// A fast path for the one message shape the detector reads in bulk: an `attendance.marks` envelope.
/// It reads JSON byte by byte without building a tree and keeps only `type` and the data's school,
/// date, session and marks (or amendments). Anything it does not expect makes it return nil, and the
/// caller decodes with `JSONDecoder` instead, so it can be strict without losing a message.
/// (Foundation's decoder took a third of the detector's CPU in the benchmark.)
struct MarksMessageParser {
    private let bytes: UnsafeRawBufferPointer
    private var position = 0

    static func parse(_ bytes: some Collection<UInt8>) -> (type: String, message: MarksMessage)? {
        let parsed = bytes.withContiguousStorageIfAvailable { buffer in
            var parser = MarksMessageParser(bytes: UnsafeRawBufferPointer(buffer))
            return parser.envelope()
        }
        if let parsed { return parsed }
        return Array(bytes).withUnsafeBytes { buffer in
            var parser = MarksMessageParser(bytes: buffer)
            return parser.envelope()
        }
    }

    private init(bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

    private mutating func envelope() -> (type: String, message: MarksMessage)? {
        var type: String?, message: MarksMessage?
        let complete = object { key, parser in
            switch key {
            case "type": type = parser.string(); return type != nil
            case "data": message = parser.data(); return message != nil
            default: return parser.skipValue()
            }
        }
        skipWhitespace()
        guard complete, position == bytes.count, let type, let message else { return nil }
        return (type, message)
    }

    private mutating func data() -> MarksMessage? {
        var school: String?, date: String?, session: String?
        var marks: [MarksMessage.Mark]?, amendments: [MarksMessage.Mark]?
        let complete = object { key, parser in
            switch key {
            case "schoolUrn": school = parser.string(); return school != nil
            case "date": date = parser.string(); return date != nil
            case "session": session = parser.string(); return session != nil
            case "marks": marks = parser.marks(); return marks != nil
            case "amendments": amendments = parser.marks(); return amendments != nil
            default: return parser.skipValue()
            }
        }
        guard complete, let school, let date, let session else { return nil }
        return MarksMessage(schoolUrn: school, date: date, session: session, marks: marks, amendments: amendments)
    }

    private mutating func marks() -> [MarksMessage.Mark]? {
        guard take(UInt8(ascii: "[")) else { return nil }
        var marks: [MarksMessage.Mark] = []
        if take(UInt8(ascii: "]")) { return marks }
        repeat {
            var upn: String?, code: String?
            let complete = object { key, parser in
                switch key {
                case "upn": upn = parser.string(); return upn != nil
                case "code": code = parser.string(); return code != nil
                default: return parser.skipValue()
                }
            }
            guard complete, let upn, let code else { return nil }
            marks.append(MarksMessage.Mark(upn: upn, code: code))
        } while take(UInt8(ascii: ","))
        return take(UInt8(ascii: "]")) ? marks : nil
    }

    /// Reads `{ "key": value, ... }`, handing each key to `member`, which must consume the value.
    private mutating func object(_ member: (String, inout MarksMessageParser) -> Bool) -> Bool {
        guard take(UInt8(ascii: "{")) else { return false }
        if take(UInt8(ascii: "}")) { return true }
        repeat {
            guard let key = string(), take(UInt8(ascii: ":")), member(key, &self) else { return false }
        } while take(UInt8(ascii: ","))
        return take(UInt8(ascii: "}"))
    }

    /// A JSON string; escapes other than `\\`, `\"` and `\/` send the message to the full decoder.
    private mutating func string() -> String? {
        guard take(UInt8(ascii: "\"")) else { return nil }
        let start = position
        var escaped = false
        while position < bytes.count {
            let byte = bytes[position]
            if byte == UInt8(ascii: "\"") {
                let raw = UnsafeRawBufferPointer(rebasing: bytes[start..<position])
                position += 1
                guard escaped else { return String(decoding: raw, as: UTF8.self) }
                return Self.unescape(raw)
            }
            if byte == UInt8(ascii: "\\") {
                guard position + 1 < bytes.count else { return nil }
                let next = bytes[position + 1]
                guard next == UInt8(ascii: "\\") || next == UInt8(ascii: "\"") || next == UInt8(ascii: "/") else { return nil }
                escaped = true
                position += 2
                continue
            }
            if byte < 0x20 { return nil }
            position += 1
        }
        return nil
    }

    private static func unescape(_ raw: UnsafeRawBufferPointer) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(raw.count)
        var index = 0
        while index < raw.count {
            if raw[index] == UInt8(ascii: "\\") { index += 1 }
            out.append(raw[index])
            index += 1
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Skips a value the detector does not need (a string, number, literal, or nested object or array).
    private mutating func skipValue() -> Bool {
        skipWhitespace()
        guard position < bytes.count else { return false }
        switch bytes[position] {
        case UInt8(ascii: "\""): return string() != nil
        case UInt8(ascii: "{"): return object { _, parser in parser.skipValue() }
        case UInt8(ascii: "["):
            position += 1
            if take(UInt8(ascii: "]")) { return true }
            repeat { guard skipValue() else { return false } } while take(UInt8(ascii: ","))
            return take(UInt8(ascii: "]"))
        default:
            // A number, true, false or null: up to the next delimiter.
            let start = position
            while position < bytes.count, !Self.delimiters.contains(bytes[position]) { position += 1 }
            return position > start
        }
    }

    private static let delimiters: Set<UInt8> = [UInt8(ascii: ","), UInt8(ascii: "}"), UInt8(ascii: "]"), 0x20, 0x0A, 0x0D, 0x09]

    private mutating func skipWhitespace() {
        while position < bytes.count, bytes[position] == 0x20 || bytes[position] == 0x0A || bytes[position] == 0x0D || bytes[position] == 0x09 {
            position += 1
        }
    }

    private mutating func take(_ byte: UInt8) -> Bool {
        skipWhitespace()
        guard position < bytes.count, bytes[position] == byte else { return false }
        position += 1
        return true
    }
}
