import AttendanceDomain
import BenchmarkSupport
import Events
import Foundation
import Logging
import Messaging
import SyntheticLA

/// Offers registers at a steady rate and measures, for every signal they cause, the time from the
/// register's publication to the moment this reader receives the signal: the signal's publication plus
/// the reader's own fetch delay, so an upper bound.
struct PeakLoad {
    let la: SyntheticLA
    let producer: KafkaProducer
    let stack: LocalStack
    let logger: Logger

    struct Outcome {
        var summary: LatencySummary
        var offeredRate: Double
    }

    func run(days: [SchoolDate], marksPerSecond: Int, seconds: Int, generator: inout SeededRandom) async throws -> Outcome {
        let watch = try await SignalWatch(bootstrapServers: stack.bootstrapServers, clientID: "detector-benchmark", logger: logger)
        async let reading: Void = watch.run()
        defer { watch.stop() }  // on an error too, so that the reader ends

        // When each (school, session, pupil) mark was published.
        let published = PublishedMarks()
        let tick = Duration.milliseconds(100)
        let perTick = max(1, marksPerSecond / 10 / SyntheticLA.classSize)
        let start = ContinuousClock.now
        let end = start.advanced(by: .seconds(seconds))
        var sent = 0
        var sessions = days.flatMap { day in SessionHalf.allCases.map { Session(date: day, half: $0) } }.makeIterator()
        var pending: [KafkaOutgoingMessage] = []
        var next = start
        while ContinuousClock.now < end {
            if pending.count < perTick {
                guard let session = sessions.next() else { break }
                pending += try la.session(session, generator: &generator)
            }
            let batch = Array(pending.prefix(perTick))
            pending.removeFirst(batch.count)
            let now = ContinuousClock.now
            for message in batch {
                let event = try EventCodec.decode(MarksRecorded.self, from: message.value).data
                published.record(event, at: now)
                sent += event.marks.count
            }
            for result in try await producer.send(batch) { _ = try result.get() }
            next = next.advanced(by: tick)
            try await Task.sleep(until: next)
        }
        let offered = Double(sent) / start.duration(to: .now).seconds
        try await Task.sleep(until: end.advanced(by: .seconds(10)))  // the last signals on their way
        watch.stop()
        try await reading
        var latencies: [Double] = []
        for (signal, time) in watch.arrivals {
            guard let sentAt = published.time(school: signal.schoolUrn, asOf: signal.asOf, upn: signal.upn) else { continue }
            latencies.append(sentAt.duration(to: time).seconds * 1_000)
        }
        return Outcome(summary: LatencySummary(latencies), offeredRate: offered)
    }
}

/// Publication times by school, session and pupil.
final class PublishedMarks: @unchecked Sendable {
    private let lock = NSLock()
    private var times: [String: ContinuousClock.Instant] = [:]

    func record(_ event: MarksRecorded, at time: ContinuousClock.Instant) {
        lock.withLock {
            for mark in event.marks { times["\(event.schoolUrn)|\(event.date) \(event.session)|\(mark.upn)"] = time }
        }
    }

    func time(school: String, asOf: String, upn: String) -> ContinuousClock.Instant? {
        lock.withLock { times["\(school)|\(asOf)|\(upn)"] }
    }
}
