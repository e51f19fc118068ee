/// Cuts a list published as one event into runs small enough for the broker.
///
/// librdkafka refuses messages over `message.max.bytes` (1 MB by default), and a secondary school's
/// roster with its contacts is more than that. Each run stays under `maximumBytes` of encoded items and
/// `maximumCount` items, far enough below the limit for the envelope around it.
struct EventChunks: Sendable {
    var maximumBytes = 256 * 1024
    var maximumCount = 1_000

    /// The index ranges of consecutive runs, given each item's encoded size. An item larger than
    /// `maximumBytes` on its own gets a run of its own.
    func ranges(sizes: [Int]) -> [Range<Int>] {
        var ranges: [Range<Int>] = []
        var start = 0, bytes = 0
        for (index, size) in sizes.enumerated() {
            if index > start && (bytes + size > maximumBytes || index - start == maximumCount) {
                ranges.append(start..<index)
                start = index
                bytes = 0
            }
            bytes += size
        }
        if start < sizes.count { ranges.append(start..<sizes.count) }
        return ranges
    }
}
