import BenchmarkSupport

/// `--small N` registers of 30 marks (default 3000), `--large N` registers of 2,000 marks (default 40),
/// `--concurrency C` requests in flight (default 8).
struct Options {
    var small = 3_000
    var large = 40
    var concurrency = 8

    init(_ arguments: ArraySlice<String>) throws {
        var rest = arguments
        while let flag = rest.popFirst() {
            guard let value = rest.popFirst(), let number = Int(value), number >= 0 else {
                throw UsageError("\(flag) needs a whole number")
            }
            switch flag {
            case "--small": small = number
            case "--large": large = number
            case "--concurrency": concurrency = max(1, number)
            default: throw UsageError("unknown option \(flag); use --small N, --large N, --concurrency C")
            }
        }
    }
}
