/// The command line of `la-feed`.
struct FeedOptions {
    struct Problem: Error { var message: String }

    var seed: UInt64 = 7
    var schools = 20
    var pupils = 8_000
    var fullYear = false
    var ingest = "http://127.0.0.1:8081"
    var concurrency = 4
    var token: String

    init(_ arguments: ArraySlice<String>, environment: [String: String]) throws(Problem) {
        guard let token = environment["INGEST_CONNECTOR_TOKEN"], !token.isEmpty else {
            throw Problem(message: "INGEST_CONNECTOR_TOKEN is not set: the LA connector token register-ingest accepts")
        }
        self.token = token
        var rest = arguments
        while let flag = rest.popFirst() {
            if flag == "--year" { fullYear = true; continue }
            guard let value = rest.popFirst() else { throw Problem(message: "\(flag) needs a value") }
            func number(_ range: ClosedRange<Int>) throws(Problem) -> Int {
                guard let number = Int(value), range.contains(number) else { throw Problem(message: "\(flag) \(value): expected a number from \(range.lowerBound) to \(range.upperBound)") }
                return number
            }
            switch flag {
            case "--seed": seed = UInt64(try number(0...Int.max))
            case "--schools": schools = try number(3...500)
            case "--pupils": pupils = try number(100...1_000_000)
            case "--concurrency": concurrency = try number(1...64)
            case "--ingest": ingest = value
            default: throw Problem(message: "unknown option \(flag); use --seed N, --schools N, --pupils N, --year, --ingest URL, --concurrency N")
            }
        }
    }
}
