/// Percentiles of a set of durations, in milliseconds.
public struct LatencySummary: Sendable, CustomStringConvertible {
    public var count: Int
    public var p50: Double
    public var p99: Double
    public var max: Double

    public init(_ milliseconds: [Double]) {
        let sorted = milliseconds.sorted()
        count = sorted.count
        func at(_ fraction: Double) -> Double {
            sorted.isEmpty ? 0 : sorted[Swift.min(sorted.count - 1, Int((Double(sorted.count) * fraction).rounded(.up)) - 1)]
        }
        p50 = at(0.50)
        p99 = at(0.99)
        max = sorted.last ?? 0
    }

    public var description: String { "p50 \(Self.format(p50)) ms, p99 \(Self.format(p99)) ms, max \(Self.format(max)) ms" }

    public static func format(_ value: Double, decimals: Int = 1) -> String {
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        let rounded = (value * scale).rounded() / scale
        return "\(rounded)"
    }
}

extension Duration {
    /// The duration in seconds, for rates.
    public var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
