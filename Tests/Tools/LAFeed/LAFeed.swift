import AsyncHTTPClient
import AttendanceDomain
import Events
import Foundation
import SyntheticLA

/// Sends a generated local authority to register-ingest exactly as MIS connectors would: each school's
/// roster (`PUT /v1/schools/{urn}/pupils`), then day by day the registers taken at registration, those
/// sent late, and the amendments (`POST /v1/registers`), with the LA connector token. Prints progress,
/// and with an LA manager's token for the detector (`DETECTOR_LA_TOKEN`) the signals so far and, once the detector
/// has caught up, the LA's summary (``LASummary``).
///
///     la-feed [--seed N] [--schools N] [--pupils N] [--year] [--days N] [--summary-only] [--pace fast|day] [--day-seconds S]
///             [--ingest URL] [--detector URL] [--concurrency N] [--wait-seconds N]
///
/// The connector token comes from `INGEST_CONNECTOR_TOKEN`. Exits 1 when a service refuses a request
/// or when the summary's figures disagree with the generator's.
@main
struct LAFeed {
    static func main() async {
        do {
            let options = try FeedOptions(CommandLine.arguments.dropFirst(), environment: ProcessInfo.processInfo.environment)
            let http = HTTPClient(eventLoopGroupProvider: .singleton)
            let agreed: Bool
            do { agreed = try await run(options, http: http) } catch {
                try? await http.shutdown()
                throw error
            }
            try await http.shutdown()
            if !agreed { exit(1) }
        } catch let error as FeedOptions.Problem {
            FileHandle.standardError.write(Data("la-feed: \(error.message)\n".utf8))
            exit(64)
        } catch {
            FileHandle.standardError.write(Data("la-feed failed: \(error)\n".utf8))
            exit(1)
        }
    }

    /// Streams the LA; returns whether the summary (when there is one) agreed with the generator.
    static func run(_ options: FeedOptions, http: HTTPClient) async throws -> Bool {
        let la = SyntheticLA(seed: options.seed, schoolCount: options.schools, pupilCount: options.pupils)
        let period = options.fullYear ? TermCalendar.year2025to26 : TermCalendar.summer2026
        let calendar = options.days.map { period.prefix(schoolDays: $0) } ?? period
        let term = TermRegisters(la: la, calendar: calendar, seed: options.seed)
        let ingest = APIClient(base: options.ingest, token: options.token, http: http)
        let detector = options.detectorToken.map { APIClient(base: options.detector, token: $0, http: http) }
        say("\(la.schools.count) schools, \(la.pupils.count) pupils, \(term.days.count) school days "
            + "(\(calendar.schoolDays.first!.iso) to \(calendar.schoolDays.last!.iso)), seed \(options.seed), pace \(options.pace.rawValue)"
            + (options.pace == .day ? " (a school day in \(options.daySeconds) s)" : ""))
        if options.summaryOnly {
            guard let detector else { throw FeedOptions.Problem(message: "--summary-only needs DETECTOR_LA_TOKEN, an LA manager's signed token (absence-detector token issue --role la_manager)") }
            let summary = LASummary(la: la, calendar: calendar, expected: try ExpectedFigures(term: term), detector: detector)
            try await summary.waitForDetector(seconds: options.waitSeconds)
            return try await summary.print()
        }
        let notification = options.notification.flatMap { url in options.detectorToken.map { APIClient(base: url, token: $0, http: http) } }
        if let notification { try await MessagesSummary(notification: notification).recordSchools(la) }
        for school in la.schools {
            try await ingest.put("/v1/schools/\(school.urn)/pupils", ConnectorDocuments.Roster(school: school, la: la))
        }
        say("rosters sent")
        let start = ContinuousClock.now
        var marks = 0, lastReport = start
        for (index, day) in term.days.enumerated() {
            if index == term.days.count - 1, let file = options.clockFile, let notification, let detector {
                say("the last day, \(day.date.iso), live for the notification service: its clock held at each moment until the messages are out")
                marks += try await LiveDay(ingest: ingest, detector: detector, notification: notification, clock: DayClock(file: file, day: day.date),
                                           concurrency: max(options.concurrency, 16)).play(day)
            } else {
                marks += try await send(day, options: options, to: ingest)
            }
            let now = ContinuousClock.now
            if now - lastReport >= .seconds(5) || index == term.days.count - 1 {
                lastReport = now
                let rate = Double(marks) / (now - start).seconds
                say("day \(index + 1)/\(term.days.count) (\(day.date.iso)): \(marks.grouped) marks, \(Int(rate).grouped) marks/s"
                    + (detector == nil ? "" : ", \(await signalsSoFar(detector!))"))
            }
        }
        let registers = term.days.reduce(0) { $0 + $1.all.count }
        say("sent \(marks.grouped) marks in \(registers.grouped) registers in \(Int((ContinuousClock.now - start).seconds)) s")
        guard let detector else {
            say("set DETECTOR_LA_TOKEN, an LA manager's signed token (absence-detector token issue --role la_manager), for the signals and the LA's summary")
            return true
        }
        let expected = try ExpectedFigures(term: term)
        let summary = LASummary(la: la, calendar: calendar, expected: expected, detector: detector)
        try await summary.waitForDetector(seconds: options.waitSeconds)
        let agreed = try await summary.print()
        if let coordinator = options.coordinator {
            try await PathwaySummary(coordinator: APIClient(base: coordinator, token: detector.token, http: http)).print(waitSeconds: options.waitSeconds)
        }
        if let notification { try await MessagesSummary(notification: notification).print() }
        return agreed
    }

    /// One school day: in `day` pace, each session's registers in a burst at its time of the compressed day.
    static func send(_ day: TermRegisters.Day, options: FeedOptions, to ingest: APIClient) async throws -> Int {
        // An amendment must follow the register it amends: the registers at registration, then the late
        // ones, then the amendments (the last day's batch also amends that day).
        let clock = options.clockFile.map { DayClock(file: $0, day: day.date) }
        guard options.pace == .day else {
            var marks = 0
            for (batch, time) in [(day.onTime, "09:40"), (day.late, "14:30"), (day.amendments, "16:05")] {
                marks += try await ingest.postAll(batch, concurrency: options.concurrency)
                try clock?.set(time)
            }
            try clock?.set("18:30")
            return marks
        }
        let amendsEarlierDays = day.amendments.filter { $0.date < day.date }, amendsToday = day.amendments.filter { $0.date == day.date }
        let dayStart = ContinuousClock.now
        let length = Duration.milliseconds(Int(options.daySeconds * 1000))
        // Each burst at its time of the compressed day; the notification service's clock (when followed) at that time too.
        let bursts: [(at: Double, time: String, registers: [TermRegisters.Register])] = [
            (0.0, "08:50", day.onTime.filter { $0.half == .am }),  // morning registration
            (0.15, "09:20", amendsEarlierDays),                    // the office follows up earlier absences
            (0.25, "09:40", day.late.filter { $0.half == .am }),   // first-day messages fall due at 09:30
            (0.5, "13:50", day.onTime.filter { $0.half == .pm }),  // afternoon registration
            (0.75, "14:30", day.late.filter { $0.half == .pm }),
            (0.9, "16:05", amendsToday),                           // the support batch at 16:00
        ]
        var marks = 0
        for burst in bursts {
            try await Task.sleep(until: dayStart + length * burst.at, clock: .continuous)
            try clock?.set(burst.time)
            marks += try await ingest.postAll(burst.registers, concurrency: max(options.concurrency, 16))
        }
        try await Task.sleep(until: dayStart + length, clock: .continuous)
        try clock?.set("18:30")
        return marks
    }

    static func signalsSoFar(_ detector: APIClient) async -> String {
        guard let answer = try? await detector.get("/v1/signals?limit=0", as: SignalsAnswer.self) else { return "detector not answering" }
        let kinds = answer.byKind.sorted { $0.value > $1.value }.map { "\($0.key) \($0.value.grouped)" }
        return "signals so far \(answer.total.grouped)" + (kinds.isEmpty ? "" : " (\(kinds.joined(separator: ", ")))")
    }

    static func say(_ line: String) { writeLine("la-feed: \(line)") }

    /// Unbuffered, so progress shows at once when the output is a pipe.
    static func writeLine(_ line: String) { FileHandle.standardOutput.write(Data((line + "\n").utf8)) }
}

extension Int {
    /// 1,234,567.
    var grouped: String {
        let digits = String(magnitude)
        var out = ""
        for (index, digit) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { out.append(",") }
            out.append(digit)
        }
        return (self < 0 ? "-" : "") + out
    }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
