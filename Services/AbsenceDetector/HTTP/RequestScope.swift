import Foundation
import Hummingbird
import ServiceRuntime

/// Whose data a read covers: one school (`/v1/schools/{urn}/...`) or the schools the caller sees
/// (`/v1/...`: every school for an LA manager, the assigned schools for an LA officer).
struct RequestScope: Sendable {
    /// Nil: every school.
    let schools: [String]?
    let description: String

    /// The roles that read a school's data, and those that read across the LA.
    static let schoolRoles: Set<Role> = [.laOfficer, .laManager, .schoolLead]
    static let localAuthorityRoles: Set<Role> = [.laOfficer, .laManager]

    /// One school, when the caller sees it; otherwise 404, as if there were no such school, and the
    /// refusal is noted for the access audit.
    static func school(_ context: ServiceRequestContext) throws -> RequestScope {
        let urn = try context.visibleSchool()
        return RequestScope(schools: [urn], description: "school \(urn)")
    }

    /// What the caller sees across the LA.
    static func localAuthority(_ context: ServiceRequestContext) throws -> RequestScope {
        guard let visible = try context.caller().visibleSchools else { return RequestScope(schools: nil, description: "local authority") }
        let list = visible.sorted()
        return RequestScope(schools: list, description: list.isEmpty ? "no schools" : "schools " + list.joined(separator: ", "))
    }
}

/// Query parameters shared by the list routes, each refused with the parameter's name and the reason.
struct ListQuery {
    struct Problem: Error { var message: String }

    /// `academicYear=2025/26` as its first calendar year; nil when absent (the latest year with marks).
    static func academicYear(_ request: Request) throws(Problem) -> Int? {
        guard let text = request.uri.queryParameters.get("academicYear") else { return nil }
        let parts = text.split(separator: "/")
        guard parts.count == 2, let start = Int(parts[0]), let end = Int(parts[1]), (2000...2100).contains(start), end == (start + 1) % 100 else {
            throw Problem(message: "academicYear: expected a year written 2025/26")
        }
        return start
    }

    /// `limit=N` within `range`, or the default.
    static func limit(_ request: Request, default value: Int, range: ClosedRange<Int>) throws(Problem) -> Int {
        guard let text = request.uri.queryParameters.get("limit") else { return value }
        guard let number = Int(text), range.contains(number) else {
            throw Problem(message: "limit: expected a number from \(range.lowerBound) to \(range.upperBound)")
        }
        return number
    }

    /// "2025/26" for 2025.
    static func yearName(_ year: Int) -> String { "\(year)/\(String(format: "%02d", (year + 1) % 100))" }
}
