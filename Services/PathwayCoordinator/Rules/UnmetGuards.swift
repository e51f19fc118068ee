import Foundation
import Hummingbird
import ServiceRuntime

/// A guard of a move that is not met: its name and what is missing, in words a caseworker can act on.
struct UnmetGuard: Codable, Sendable, Equatable {
    var `guard`: String
    var detail: String

    init(_ name: String, _ detail: String) {
        self.guard = name
        self.detail = detail
    }

    /// A child looked after never goes to enforcement: they escalate within children's social care.
    static let lookedAfter = UnmetGuard("cla_no_enforcement", "the child is looked after: escalate within children's social care, never to enforcement")
}

struct RefusalBody: Encodable {
    var error: String
    var unmet: [UnmetGuard]
}

/// A move refused: 409 with every unmet guard, never just the first (shared/PATHWAY.md §2.2).
struct MoveRefused: HTTPResponseError, CustomStringConvertible {
    let move: String
    let unmet: [UnmetGuard]

    var status: HTTPResponse.Status { .conflict }
    var description: String { "\(move) refused: " + unmet.map(\.guard).joined(separator: ", ") }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        try JSONResponse.make(.conflict, RefusalBody(error: description, unmet: unmet))
    }

    /// Throws when any guard is unmet.
    static func check(_ move: String, _ unmet: [UnmetGuard]) throws(MoveRefused) {
        if !unmet.isEmpty { throw MoveRefused(move: move, unmet: unmet) }
    }
}
