import BenchmarkSupport

/// `--schools N` (default 40), `--pupils N` (default 40,000), `--days D` school days of the summer term
/// (default 10) for the throughput, `--latency-days D` more days (default 5) offered at `--latency-rate R` marks/s
/// (default half the rate reached) for the latency, `--concurrency C` requests in flight (default 8), `--seed N` (default: a new one each run,
/// so that a second run on the same broker is new data), `--copy-only` (the COPY floor alone).
struct Options {
    var schools = 40
    var pupils = 40_000
    var days = 10
    /// Further school days offered at `latencyRate` marks/s (default half the rate reached) for the latency.
    var latencyDays = 5
    var latencyRate: Int?
    var concurrency = 8
    var seed = UInt64.random(in: 1...999)
    /// Only the COPY floor, without the services.
    var copyOnly = false

    init(_ arguments: ArraySlice<String>) throws {
        var rest = arguments
        while let flag = rest.popFirst() {
            if flag == "--copy-only" { copyOnly = true; continue }
            guard let value = rest.popFirst(), let number = Int(value), number > 0 else { throw UsageError("\(flag) needs a positive whole number") }
            switch flag {
            case "--schools": schools = number
            case "--pupils": pupils = number
            case "--days": days = min(number, 50)
            case "--latency-days": latencyDays = min(number, 10)
            case "--latency-rate": latencyRate = number
            case "--concurrency": concurrency = number
            case "--seed": seed = UInt64(number)
            default: throw UsageError("unknown option \(flag); use --schools N, --pupils N, --days D, --latency-days D, --latency-rate MARKS_PER_S, --concurrency C, --seed N, --copy-only")
            }
        }
        guard pupils >= schools * 20 else { throw UsageError("--pupils: at least 20 pupils per school") }
    }
}
