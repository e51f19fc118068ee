import Foundation
import Hummingbird
import NIOCore

/// An `application/x-www-form-urlencoded` body: each field's last value, and the raw bytes for re-reading.
struct FormBody: Sendable {
    var fields: [String: String]
    var all: [(String, String)]
    var raw: ByteBuffer

    subscript(name: String) -> String? { fields[name] }

    static func read(_ request: Request, context: PortalContext) async throws -> FormBody {
        let raw = try await request.body.collect(upTo: 256 * 1024)
        return parse(raw)
    }

    static func parse(_ raw: ByteBuffer) -> FormBody {
        let text = String(buffer: raw)
        var fields: [String: String] = [:], all: [(String, String)] = []
        for pair in text.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ part: Substring) -> String {
                String(part).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? ""
            }
            let name = decode(parts[0]), value = parts.count > 1 ? decode(parts[1]) : ""
            fields[name] = value
            all.append((name, value))
        }
        return FormBody(fields: fields, all: all, raw: raw)
    }

    /// The trimmed value, or nil when empty.
    func text(_ name: String) -> String? {
        guard let value = fields[name]?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty else { return nil }
        return value
    }
}
