import Events
import Logging
import Messaging
import Metrics
import PostgresNIO
import ServiceRuntime

/// What `attendance.marks` does to the detector: pupils' state and signals, in the batch's transaction.
///
/// The pupils of the partitions this instance owns live in memory (``DetectorEngine``), loaded when a
/// partition is claimed and changed in place; each transaction writes the pupils that changed, their
/// journeys across schools (locked first: see ``JourneyStore``) and the signals (signals table and outbox). ``BatchConsumer`` does the rest, including reloading a partition
/// whose transaction did not commit.
struct MarksHandler: BatchHandler {
    private var engine: DetectorEngine
    private var familiesLoaded = false
    /// Signals of the batch in flight, by kind, counted once its transaction commits.
    private var emitted: [String: Int] = [:]
    /// Marks of the batch in flight for pupils not on their school's roll (kept, not judged).
    private var offRoll = 0

    init(settings: DetectorSettings, families: RosterIndex) {
        engine = DetectorEngine(settings: settings, families: families)
    }

    mutating func load(_ partitions: [TopicPartition], on connection: PostgresConnection, logger: Logger) async throws {
        if !familiesLoaded {
            try await engine.families.load(on: connection, logger: logger)
            familiesLoaded = true
        }
        let numbers = Set(partitions.map(\.partition))
        let pupils = try await PupilStateStore.load(partitions: numbers, on: connection, logger: logger)
        engine.replace(partitions: numbers, with: pupils)
        logger.info("partitions loaded", metadata: ["partitions": "\(numbers.sorted())", "pupils": "\(pupils.count)"])
    }

    mutating func forget(_ partitions: [TopicPartition]) {
        engine.drop(partitions: Set(partitions.map(\.partition)))
    }

    mutating func apply(_ messages: [KafkaMessage], in batch: inout ConsumedBatch, on connection: PostgresConnection) async throws {
        var decoded: [DecodedMarks] = []
        decoded.reserveCapacity(messages.count)
        for message in messages {
            do {
                if let marks = try DecodedMarks(message.value, partition: message.partition, logger: batch.logger) { decoded.append(marks) }
            } catch {
                batch.deadLetter(message, reason: "unreadable attendance.marks event: \(error)")
            }
        }
        // Pupils a rostered school's roster does not list here: another instance may have stored their profiles since.
        let unlisted = engine.families.unlisted(decoded.lazy.flatMap { marks in marks.marks.lazy.map { PupilKey(school: marks.school, upn: $0.upn) } })
        try await engine.families.load(unlisted, on: connection, logger: batch.logger)
        // The pupils whose whole timeline will be judged: locked, with their enrolments held elsewhere read after the lock.
        let candidates = engine.journeyCandidates(decoded)
        let journeys = try await JourneyStore.lock(candidates, on: connection, logger: batch.logger)
        let elsewhere = try await PupilStateStore.load(upns: candidates, outside: engine.partitions, on: connection, logger: batch.logger)
        engine.prepareJourneys(stored: journeys, elsewhere: elsewhere)
        var signals: [AttendanceSignal] = []
        for marks in decoded { signals += engine.apply(marks, logger: batch.logger) }
        let changed = engine.takeChanged()
        // The pathway's watches on the pupils this batch changed, judged on the state just computed.
        let watches = try await WatchStore.open(for: changed.map(\.key), on: connection, logger: batch.logger)
        if !watches.isEmpty {
            let byKey = Dictionary(changed.map { ($0.key, $0) }, uniquingKeysWith: { $1 })
            signals += try await WatchStore.evaluate(watches, pupils: { byKey[$0] }, on: connection, logger: batch.logger)
        }
        try await PupilStateStore.save(changed, on: connection, logger: batch.logger)
        try await JourneyStore.save(engine.takeChangedJourneys(), on: connection, logger: batch.logger)
        try await SignalStore.record(signals, on: connection, logger: batch.logger)
        emitted = Dictionary(signals.map { ($0.kind.rawValue, 1) }, uniquingKeysWith: +)
        offRoll = engine.takeOffRollMarks()
    }

    mutating func committed() {
        for (kind, count) in emitted { Counter(label: "detector_signals_total", dimensions: [("kind", kind)]).increment(by: count) }
        if offRoll > 0 { Counter(label: "detector_marks_off_roll_total").increment(by: offRoll) }
        emitted = [:]
        offRoll = 0
    }
}
