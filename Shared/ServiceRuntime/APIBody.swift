import AttendanceDomain
import Foundation
import Hummingbird
import Logging
import PostgresNIO

/// JSON request bodies, refused with the field and the reason (never the value: bodies carry personal data).
public enum APIBody {
    public static let maximumBytes = 12 * 1024 * 1024

    public static func decode<Body: Decodable>(_ type: Body.Type, _ request: Request) async throws -> Body {
        let buffer = try await request.body.collect(upTo: maximumBytes)
        do { return try JSONDecoder().decode(type, from: Data(buffer.readableBytesView)) } catch let error as DecodingError {
            switch error {
            case .keyNotFound(let key, let context):
                throw RequestRefused(.unprocessableContent, "\(path(context.codingPath + [key])): is required")
            case .typeMismatch(_, let context), .valueNotFound(_, let context):
                throw RequestRefused(.unprocessableContent, "\(path(context.codingPath)): \(context.debugDescription)")
            case .dataCorrupted(let context) where !context.codingPath.isEmpty:
                throw RequestRefused(.unprocessableContent, "\(path(context.codingPath)): \(context.debugDescription)")
            default:
                throw RequestRefused(.badRequest, "body: expected a JSON object")
            }
        }
    }

    private static func path(_ keys: [any CodingKey]) -> String {
        keys.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".").replacingOccurrences(of: ".[", with: "[")
    }

    /// An ISO date field, or 422 naming it.
    public static func date(_ text: String?, field: String, default fallback: SchoolDate? = nil) throws -> SchoolDate {
        guard let text else {
            if let fallback { return fallback }
            throw RequestRefused(.unprocessableContent, "\(field): is required")
        }
        guard let date = SchoolDate(iso: text) else { throw RequestRefused(.unprocessableContent, "\(field): expected a date written 2026-11-30") }
        return date
    }

    public static func require(_ condition: Bool, _ field: String, _ reason: String) throws {
        if !condition { throw RequestRefused(.unprocessableContent, "\(field): \(reason)") }
    }
}

/// A write in one transaction whose refusals (409 with the unmet guards, 404, 422) reach the caller as
/// they were thrown, not as the driver's transaction error.
public enum APITransaction {
    public static func run<Value>(_ postgres: PostgresClient, logger: Logger, isolation: isolated (any Actor)? = #isolation,
                           _ body: (PostgresConnection) async throws -> sending Value) async throws -> sending Value {
        do {
            return try await postgres.withTransaction(logger: logger, isolation: isolation, body)
        } catch let error as PostgresTransactionError {
            if let refusal = error.closureError as? any HTTPResponseError { throw refusal }
            throw error
        }
    }
}
