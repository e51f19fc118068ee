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
        var configuration = KafkaConsumerConfiguration(
            client: KafkaConfiguration(bootstrapServers: stack.bootstrapServers, clientID: "detector-benchmark"),
            groupID: "detector-benchmark-\(UUID())", topics: [TopicCatalogue.attendanceSignals.name])
        configuration.startFrom = "latest"
        configuration.statisticsInterval = nil
        let reader = try KafkaConsumer(configuration: configuration, logger: logger)
        while reader.assignment.isEmpty { _ = try await reader.nextBatch() }
        _ = try await reader.nextBatch()

        // When each (school, session, pupil) mark was published, in milliseconds since 1970.
        let published = PublishedMarks()
        let tick = Duration.milliseconds(100)
        let perTick = max(1, marksPerSecond / 10 / SyntheticLA.classSize)
        let start = ContinuousClock.now
        let end = start.advanced(by: .seconds(seconds))
        var sent = 0
        var sessions = days.flatMap { day in SessionHalf.allCases.map { Session(date: day, half: $0) } }.makeIterator()
        var pending: [KafkaOutgoingMessage] = []
        var next = start
        async let signals = Self.collect(reader: reader, until: end.advanced(by: .seconds(10)), logger: logger)
        while ContinuousClock.now < end {
            if pending.count < perTick {
                guard let session = sessions.next() else { break }
                pending += try la.session(session, generator: &generator)
            }
            let batch = Array(pending.prefix(perTick))
            pending.removeFirst(batch.count)
            let now = Int64(Date().timeIntervalSince1970 * 1000)
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
        var latencies: [Double] = []
        for (signal, time) in try await signals {
            guard let sentAt = published.time(school: signal.schoolUrn, asOf: signal.asOf, upn: signal.upn) else { continue }
            latencies.append(Double(time - sentAt))
        }
        await reader.close()
        return Outcome(summary: LatencySummary(latencies), offeredRate: offered)
    }

    static func collect(reader: KafkaConsumer, until deadline: ContinuousClock.Instant, logger: Logger) async throws -> [(AttendanceSignal, Int64)] {
        var found: [(AttendanceSignal, Int64)] = []
        while ContinuousClock.now < deadline {
            for message in try await reader.nextBatch().messages {
                guard let event = try? EventCodec.decode(AttendanceSignal.self, from: message.value) else { continue }
                found.append((event.data, Int64(Date().timeIntervalSince1970 * 1000)))
            }
        }
        return found
    }
}

/// Publication times by school, session and pupil.
final class PublishedMarks: @unchecked Sendable {
    private let lock = NSLock()
    private var times: [String: Int64] = [:]

    func record(_ event: MarksRecorded, at time: Int64) {
        lock.withLock {
            for mark in event.marks { times["\(event.schoolUrn)|\(event.date) \(event.session)|\(mark.upn)"] = time }
        }
    }

    func time(school: String, asOf: String, upn: String) -> Int64? {
        lock.withLock { times["\(school)|\(asOf)|\(upn)"] }
    }
}
