import Foundation

/// The demo after the term: pathway-coordinator's open cases by stage, opened from the detector's signals,
/// and the worklist an LA officer starts the day with (`GET /v1/worklist`).
struct PathwaySummary {
    let coordinator: APIClient

    struct Worklist: Decodable {
        struct Item: Decodable {
            var caseId: String
            var schoolUrn: String
            var stage: Int
            var kind: String
            var detail: String
            var due: String
            var overdue: Bool
        }

        var asOf: String
        var casesByStage: [String: Int]
        var total: Int
        var byKind: [String: Int]
        var items: [Item]
    }

    static let stageTitles = [1: "Prevention", 2: "Identify and understand", 3: "Support for child and family", 4: "Formalise support", 5: "Enforcement referral"]

    /// Waits until the number of open cases has stopped changing (the coordinator has caught up with the signals).
    func waitForCases(seconds: Int) async throws -> Worklist {
        let deadline = ContinuousClock.now + .seconds(seconds)
        var last = try await coordinator.get("/v1/worklist", as: Worklist.self), steady = 0
        while steady < 3, ContinuousClock.now < deadline {
            try await Task.sleep(for: .seconds(1))
            let next = try await coordinator.get("/v1/worklist", as: Worklist.self)
            let (before, now) = (last.casesByStage.values.reduce(0, +), next.casesByStage.values.reduce(0, +))
            steady = now == before && now > 0 ? steady + 1 : 0
            if now != before { LAFeed.say("waiting for pathway-coordinator: \(now.grouped) open cases so far") }
            last = next
        }
        return last
    }

    func print(waitSeconds: Int) async throws {
        let worklist = try await waitForCases(seconds: waitSeconds)
        let open = worklist.casesByStage.values.reduce(0, +)
        out("")
        out("The pathway (pathway-coordinator): \(open.grouped) open cases, each opened by a signal and waiting for a person's next step")
        for stage in worklist.casesByStage.keys.compactMap(Int.init).sorted() {
            out("  stage \(stage)  \((Self.stageTitles[stage] ?? "").padding(toLength: 30, withPad: " ", startingAt: 0)) \(worklist.casesByStage[String(stage)]!.grouped.leftPadded(7))")
        }
        out("")
        out("The worklist on \(worklist.asOf): \(worklist.total.grouped) items due within 10 days or overdue")
        for (kind, count) in worklist.byKind.sorted(by: { $0.value > $1.value }) {
            out("  \(kind.padding(toLength: 24, withPad: " ", startingAt: 0)) \(count.grouped.leftPadded(7))")
        }
        out("  the first 8:")
        for item in worklist.items.prefix(8) {
            out("  \(item.due) \(item.overdue ? "overdue" : "due    ") \(item.caseId) school \(item.schoolUrn) stage \(item.stage): \(item.detail)")
        }
    }

    private func out(_ line: String) { LAFeed.writeLine(line) }
}
