/// The command line of `la-feed`.
struct FeedOptions {
    struct Problem: Error { var message: String }

    enum Pace: String {
        /// Every register as soon as the previous ones are answered.
        case fast
        /// A compressed school day: each session's registers in one burst, as at registration.
        case day
    }

    var seed: UInt64 = 7
    var schools = 20
    var pupils = 8_000
    var fullYear = false
    /// Sends nothing: prints the summary of an LA already streamed with the same options.
    var summaryOnly = false
    /// Only the first N school days of the term or year.
    var days: Int?
    var pace = Pace.fast
    var daySeconds = 1.0
    var ingest = "http://127.0.0.1:8081"
    var detector = "http://127.0.0.1:8082"
    /// pathway-coordinator's API: when given, the end shows the open cases by stage and the worklist.
    var coordinator: String?
    /// The notification service's API: when given, the schools' details go to it first and the end shows its messages.
    var notification: String?
    var concurrency = 8
    /// The notification service's clock file (`NOTIFY_CLOCK_FILE`): when given, it follows the streamed school day, so
    /// first-day messages fall due at 09:30 of that day and the support batch at 16:00, in compressed time.
    var clockFile: String?
    var waitSeconds = 600
    /// The connector token register-ingest accepts.
    var token: String
    /// An LA token for the detector's API: progress shows signals and the end shows the summary.
    var detectorToken: String?

    static let usage = "use --seed N, --schools N, --pupils N, --year, --days N, --summary-only, --pace fast|day, --day-seconds S, --ingest URL, --detector URL, --coordinator URL, --notification URL, --clock-file PATH, --concurrency N, --wait-seconds N"

    init(_ arguments: ArraySlice<String>, environment: [String: String]) throws(Problem) {
        guard let token = environment["INGEST_CONNECTOR_TOKEN"], !token.isEmpty else {
            throw Problem(message: "INGEST_CONNECTOR_TOKEN is not set: the LA connector token register-ingest accepts")
        }
        self.token = token
        detectorToken = environment["DETECTOR_LA_TOKEN"].flatMap { $0.isEmpty ? nil : $0 }
        var rest = arguments
        while let flag = rest.popFirst() {
            if flag == "--year" { fullYear = true; continue }
            if flag == "--summary-only" { summaryOnly = true; continue }
            guard let value = rest.popFirst() else { throw Problem(message: "\(flag) needs a value") }
            func number(_ range: ClosedRange<Int>) throws(Problem) -> Int {
                guard let number = Int(value), range.contains(number) else { throw Problem(message: "\(flag) \(value): expected a number from \(range.lowerBound) to \(range.upperBound)") }
                return number
            }
            switch flag {
            case "--seed": seed = UInt64(try number(0...Int.max))
            case "--schools": schools = try number(3...500)
            case "--pupils": pupils = try number(100...1_000_000)
            case "--days": days = try number(1...400)
            case "--concurrency": concurrency = try number(1...64)
            case "--wait-seconds": waitSeconds = try number(1...86_400)
            case "--ingest": ingest = value
            case "--detector": detector = value
            case "--coordinator": coordinator = value
            case "--notification": notification = value
            case "--clock-file": clockFile = value
            case "--pace":
                guard let pace = Pace(rawValue: value) else { throw Problem(message: "--pace \(value): expected fast or day") }
                self.pace = pace
            case "--day-seconds":
                guard let seconds = Double(value), (0.1...3_600).contains(seconds) else {
                    throw Problem(message: "--day-seconds \(value): expected seconds from 0.1 to 3600")
                }
                daySeconds = seconds
            default: throw Problem(message: "unknown option \(flag); \(Self.usage)")
            }
        }
        guard pupils >= schools * 20 else { throw Problem(message: "--pupils \(pupils): expected at least 20 pupils per school") }
    }
}
