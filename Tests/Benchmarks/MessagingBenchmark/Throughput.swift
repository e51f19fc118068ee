import Foundation

/// Messages and bytes moved in a time.
struct Throughput {
    var messages: Int
    var bytes: Int
    var seconds: Double

    var messagesPerSecond: Double { Double(messages) / seconds }
    var megabytesPerSecond: Double { Double(bytes) / seconds / 1_000_000 }

    static func median(_ runs: [Throughput]) -> Throughput {
        runs.sorted { $0.messagesPerSecond < $1.messagesPerSecond }[runs.count / 2]
    }
}

struct ResultRow {
    var size: Int
    var side: String
    var swift: Throughput
    var c: Throughput?

    static func printTable(_ rows: [ResultRow]) {
        func pad(_ text: String, _ width: Int) -> String { String(repeating: " ", count: max(0, width - text.count)) + text }
        func number(_ value: Double, decimals: Int = 0) -> String {
            decimals == 0 ? String(Int(value.rounded())) : String(format: "%.\(decimals)f", value)
        }
        print("")
        print("| size | side | Swift msg/s | Swift MB/s | librdkafka msg/s | librdkafka MB/s | Swift ÷ C |")
        print("|---:|---|---:|---:|---:|---:|---:|")
        for row in rows {
            let size = row.size == 1024 ? "1 KiB" : "\(row.size) B"
            let c = row.c
            print("| \(size) | \(row.side) | \(number(row.swift.messagesPerSecond)) | \(number(row.swift.megabytesPerSecond, decimals: 1)) | "
                + "\(c.map { number($0.messagesPerSecond) } ?? "–") | \(c.map { number($0.megabytesPerSecond, decimals: 1) } ?? "–") | "
                + "\(c.map { number(row.swift.messagesPerSecond / $0.messagesPerSecond, decimals: 2) } ?? "–") |")
        }
        _ = pad
    }
}
