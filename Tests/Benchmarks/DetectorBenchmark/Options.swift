import BenchmarkSupport

/// `--pupils N` (default 50,000), `--days D` school days (default 30, a half-term), `--peak-seconds S`
/// how long the latency phase offers 11,300 marks/s (default 20).
struct Options {
    var pupils = 50_000
    var days = 30
    var peakSeconds = 20
    var peakMarksPerSecond = 11_300

    init(_ arguments: ArraySlice<String>) throws {
        var rest = arguments
        while let flag = rest.popFirst() {
            guard let value = rest.popFirst(), let number = Int(value), number > 0 else { throw UsageError("\(flag) needs a positive whole number") }
            switch flag {
            case "--pupils": pupils = number
            case "--days": days = number
            case "--peak-seconds": peakSeconds = number
            case "--peak-rate": peakMarksPerSecond = number
            default: throw UsageError("unknown option \(flag); use --pupils N, --days D, --peak-seconds S, --peak-rate MARKS_PER_S")
            }
        }
    }
}
