import Foundation

/// CPU time (user + system) of groups of processes, read from /proc, so that a benchmark can say where
/// the time went: the service, PostgreSQL, the broker, the load generator.
public struct CPUMeter: Sendable {
    /// A named group: the processes whose `comm` is one of `commands`, or the given pids.
    public struct Group: Sendable {
        public var name: String
        public var commands: Set<String>
        public var pids: Set<Int32>
        public init(_ name: String, commands: Set<String> = [], pids: Set<Int32> = []) {
            self.name = name
            self.commands = commands
            self.pids = pids
        }
    }

    public var groups: [Group]
    public init(groups: [Group]) { self.groups = groups }

    /// Seconds of CPU each group has used so far (processes that already exited are not counted, so
    /// sample long-lived processes: pooled PostgreSQL backends, the broker, the services).
    public func sample() -> [String: Double] {
        let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))
        var totals = Dictionary(uniqueKeysWithValues: groups.map { ($0.name, 0.0) })
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        for entry in entries {
            guard let pid = Int32(entry), let stat = try? String(contentsOfFile: "/proc/\(entry)/stat", encoding: .utf8) else { continue }
            // The command sits in parentheses and may hold spaces: split after the last ')'.
            guard let open = stat.firstIndex(of: "("), let close = stat.lastIndex(of: ")") else { continue }
            let command = String(stat[stat.index(after: open)..<close])
            let fields = stat[stat.index(close, offsetBy: 2)...].split(separator: " ")
            guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { continue }
            for group in groups where group.pids.contains(pid) || group.commands.contains(command) {
                totals[group.name, default: 0] += (user + system) / ticks
            }
        }
        return totals
    }

    /// The CPU seconds used between two samples, per group.
    public static func difference(_ before: [String: Double], _ after: [String: Double]) -> [String: Double] {
        after.reduce(into: [:]) { result, entry in result[entry.key] = entry.value - (before[entry.key] ?? 0) }
    }
}
