import Foundation
import Logging
import Storage

/// Reads typed settings from environment variables. Each read names the variable and what it expects,
/// so that a bad value stops start-up with one clear line (``ConfigurationError``).
public struct EnvironmentReader: Sendable {
    public let values: [String: String]
    /// Variables whose values are secrets: never echoed in an error.
    public let secrets: Set<String>

    /// Secrets whose `NAME_FILE` could not be read, with the file's path.
    let unreadableFiles: [String: String]

    /// A secret can come from a file instead: `NAME_FILE` (a Docker or Kubernetes secret mounted as a file) when `NAME`
    /// itself is not set. The file's content is the value, without its trailing newline; it is never logged or echoed.
    public init(_ values: [String: String], secrets: Set<String> = ["POSTGRES_PASSWORD"]) {
        var resolved = values, unreadable: [String: String] = [:]
        for name in secrets where (values[name] ?? "").isEmpty {
            guard let path = values[name + "_FILE"], !path.isEmpty else { continue }
            if let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) {
                resolved[name] = text.hasSuffix("\r\n") ? String(text.dropLast(2)) : text.hasSuffix("\n") ? String(text.dropLast()) : text
            } else {
                unreadable[name] = path
            }
        }
        self.values = resolved
        self.secrets = secrets
        unreadableFiles = unreadable
    }

    private func raw(_ name: String) -> String? {
        guard let value = values[name]?.trimmingWhitespace, !value.isEmpty else { return nil }
        return value
    }

    private func malformed(_ name: String, _ value: String, expected: String) -> ConfigurationError {
        ConfigurationError(variable: name, problem: .malformed(shownValue: secrets.contains(name) ? nil : value), expected: expected)
    }

    public func string(_ name: String, expected: String) throws(ConfigurationError) -> String {
        guard let value = raw(name) else {
            if let path = unreadableFiles[name] {
                throw ConfigurationError(variable: name + "_FILE", problem: .malformed(shownValue: path), expected: "a readable file holding \(expected)")
            }
            throw ConfigurationError(variable: name, problem: .missing, expected: expected)
        }
        return value
    }

    public func string(_ name: String, default fallback: String) -> String { raw(name) ?? fallback }

    public func int(_ name: String, default fallback: Int, range: ClosedRange<Int>, expected: String) throws(ConfigurationError) -> Int {
        guard let value = raw(name) else { return fallback }
        guard let number = Int(value), range.contains(number) else { throw malformed(name, value, expected: expected) }
        return number
    }

    /// A value read by `parse` (nil when malformed); the default when unset.
    public func parsed<T>(_ name: String, default fallback: T, expected: String, _ parse: (String) -> T?) throws(ConfigurationError) -> T {
        guard let value = raw(name) else { return fallback }
        guard let parsed = parse(value) else { throw malformed(name, value, expected: expected) }
        return parsed
    }

    /// A time of day written HH:MM, as minutes past midnight; the default (minutes) when unset.
    public func timeOfDay(_ name: String, default fallback: Int) throws(ConfigurationError) -> Int {
        try parsed(name, default: fallback, expected: "a time of day as HH:MM") { text in
            let parts = text.split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count == 2, let hour = Int(parts[0]), let minute = Int(parts[1]), (0..<24).contains(hour), (0..<60).contains(minute) else { return nil }
            return hour * 60 + minute
        }
    }

    public func port(_ name: String, default fallback: Int) throws(ConfigurationError) -> Int {
        try int(name, default: fallback, range: 1...65535, expected: "a TCP port number from 1 to 65535")
    }

    /// A value from a fixed set, matched without regard to case.
    public func choice<T>(_ name: String, default fallback: T, options: [String: T]) throws(ConfigurationError) -> T {
        guard let value = raw(name) else { return fallback }
        guard let chosen = options[value.lowercased()] else {
            throw malformed(name, value, expected: "one of " + options.keys.sorted().joined(separator: ", "))
        }
        return chosen
    }

    /// A comma-separated set of values, each from `allowed`; the default when unset.
    public func set(_ name: String, default fallback: Set<String>, allowed: Set<String>, expected: String) throws(ConfigurationError) -> Set<String> {
        guard let value = raw(name) else { return fallback }
        let items = Set(value.split(separator: ",").map { String($0).trimmingWhitespace }.filter { !$0.isEmpty })
        guard !items.isEmpty, items.isSubset(of: allowed) else { throw malformed(name, value, expected: expected) }
        return items
    }

    /// A PostgreSQL identifier: lower-case letters, digits and `_`, not starting with a digit, at most 63 characters.
    public func identifier(_ name: String, default fallback: String) throws(ConfigurationError) -> String {
        guard let value = raw(name) else { return fallback }
        guard (try? SQLIdentifier(value)) != nil else {
            throw malformed(name, value, expected: "lower-case letters, digits and _, not starting with a digit, at most 63 characters")
        }
        return value
    }

    /// `host:port[,host:port...]`.
    public func hostPortList(_ name: String, expected: String) throws(ConfigurationError) -> String {
        let value = try string(name, expected: expected)
        for entry in value.split(separator: ",", omittingEmptySubsequences: false) {
            let parts = entry.split(separator: ":")
            guard parts.count == 2, !parts[0].isEmpty, let port = Int(parts[1]), (1...65535).contains(port) else {
                throw malformed(name, value, expected: expected)
            }
        }
        return value
    }
}

extension String {
    var trimmingWhitespace: String {
        var scalars = Substring(self)
        while let first = scalars.first, first.isWhitespace { scalars.removeFirst() }
        while let last = scalars.last, last.isWhitespace { scalars.removeLast() }
        return String(scalars)
    }
}
