import AttendanceDomain

/// A pupil's marks, one per session, in session order: the latest mark of every session, whatever the
/// order in which they arrived. Codes are kept as their index in ``RegisterCodeTable/all``.
struct SessionHistory: Sendable, Equatable {
    struct Entry: Sendable, Equatable {
        var ordinal: Int32
        var codeIndex: UInt8

        var session: Session { Session(ordinal: Int(ordinal)) }
        var code: RegisterCode { RegisterCodeTable.all[Int(codeIndex)] }
    }

    private(set) var entries: [Entry] = []

    static let codeIndex: [String: UInt8] = Dictionary(uniqueKeysWithValues: RegisterCodeTable.all.enumerated().map { ($0.element.code, UInt8($0.offset)) })

    init() {}

    /// Records a session's mark; returns the code it replaced, if any. Mostly appends (registers arrive in
    /// order), otherwise a binary search.
    @discardableResult
    mutating func set(_ ordinal: Int32, codeIndex: UInt8) -> UInt8? {
        if entries.isEmpty || entries[entries.count - 1].ordinal < ordinal {
            entries.append(Entry(ordinal: ordinal, codeIndex: codeIndex))
            return nil
        }
        let position = index(of: ordinal)
        if position < entries.count, entries[position].ordinal == ordinal {
            let previous = entries[position].codeIndex
            entries[position].codeIndex = codeIndex
            return previous
        }
        entries.insert(Entry(ordinal: ordinal, codeIndex: codeIndex), at: position)
        return nil
    }

    /// The first position whose ordinal is not below `ordinal`.
    func index(of ordinal: Int32) -> Int { entries.position(of: ordinal) }

    var latest: Entry? { entries.last }

    /// Keeps only the sessions `include` accepts.
    mutating func keep(_ include: (Entry) -> Bool) {
        entries.removeAll { !include($0) }
    }

    /// Forgets sessions before `ordinal` (history older than the previous academic year).
    mutating func drop(before ordinal: Int32) {
        let cut = index(of: ordinal)
        if cut > 0 { entries.removeFirst(cut) }
    }

    // MARK: Storage: 5 bytes a session (ordinal little-endian, code index).

    func encoded() -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(entries.count * 5)
        for entry in entries {
            let ordinal = UInt32(bitPattern: entry.ordinal)
            bytes += [UInt8(truncatingIfNeeded: ordinal), UInt8(truncatingIfNeeded: ordinal >> 8),
                      UInt8(truncatingIfNeeded: ordinal >> 16), UInt8(truncatingIfNeeded: ordinal >> 24), entry.codeIndex]
        }
        return bytes
    }

    init(encoded bytes: some Collection<UInt8>) {
        let bytes = Array(bytes)
        entries.reserveCapacity(bytes.count / 5)
        var position = 0
        while position + 5 <= bytes.count {
            let ordinal = UInt32(bytes[position]) | UInt32(bytes[position + 1]) << 8 | UInt32(bytes[position + 2]) << 16 | UInt32(bytes[position + 3]) << 24
            let codeIndex = bytes[position + 4]
            if Int(codeIndex) < RegisterCodeTable.all.count { entries.append(Entry(ordinal: Int32(bitPattern: ordinal), codeIndex: codeIndex)) }
            position += 5
        }
    }
}

extension Array where Element == SessionHistory.Entry {
    /// In entries in session order, the first position whose ordinal is not below `ordinal` (a binary search).
    func position(of ordinal: Int32) -> Int {
        var low = 0, high = count
        while low < high {
            let middle = (low + high) / 2
            if self[middle].ordinal < ordinal { low = middle + 1 } else { high = middle }
        }
        return low
    }

    /// The position of the entry for exactly this session, if it is marked.
    func position(ofExactly ordinal: Int32) -> Int? {
        let position = position(of: ordinal)
        return position < count && self[position].ordinal == ordinal ? position : nil
    }
}
