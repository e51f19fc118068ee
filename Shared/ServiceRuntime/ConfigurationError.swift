/// A start-up configuration problem: names the environment variable and what was expected, in one line.
/// The value of a secret is never repeated.
public struct ConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
    public let variable: String
    public let problem: Problem
    public let expected: String

    public init(variable: String, problem: Problem, expected: String) {
        self.variable = variable
        self.problem = problem
        self.expected = expected
    }

    public enum Problem: Sendable, Equatable {
        case missing
        case malformed(shownValue: String?)
    }

    public var description: String {
        switch problem {
        case .missing:
            return "\(variable) is not set: expected \(expected)"
        case .malformed(let shown):
            return "\(variable)\(shown.map { "=\($0)" } ?? "") is not valid: expected \(expected)"
        }
    }
}
