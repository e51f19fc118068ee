@testable import RegisterIngest
import Testing

@Suite("Lists cut into events under the broker's message size")
struct EventChunksTests {
    let chunks = EventChunks(maximumBytes: 100, maximumCount: 3)

    @Test func runsStayUnderTheSizeAndTheCountAndKeepEveryItemInOrder() {
        let sizes = [40, 40, 40, 10, 10, 10, 10, 150, 5]
        let ranges = chunks.ranges(sizes: sizes)
        #expect(ranges == [0..<2, 2..<5, 5..<7, 7..<8, 8..<9])
        #expect(ranges.flatMap { Array($0) } == Array(sizes.indices))
    }

    @Test func nothingToCutIsNoRun() {
        #expect(chunks.ranges(sizes: []).isEmpty)
    }
}
