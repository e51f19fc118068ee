import AttendanceDomain
import Foundation
import Hummingbird
import Logging
import PostgresNIO
import ServiceRuntime

/// Who may see a case: whoever sees the pupil at the case's school (the LA manager, the school's officer and
/// lead, the allocated social worker or virtual school); a legal officer sees cases at stage 4 and later and those on
/// the no-support route; a panel chair those at stage 4 and later. Anyone else is answered 404, as if there were no such case.
enum CaseAccess {
    static func maySee(_ pathwayCase: PathwayCase, _ caller: Identity) -> Bool {
        if caller.maySee(pupil: pathwayCase.upn, atSchool: pathwayCase.schoolUrn) { return true }
        let referable = pathwayCase.stage >= PathwayStage.formaliseSupport.rawValue
        if caller.roles.contains(.panelChair) && referable { return true }
        // The no-support route (a term-time holiday) reaches the legal officer without the pathway meeting.
        return caller.roles.contains(.legalOfficer) && (referable || pathwayCase.noSupportRoute)
    }

    /// The path's case, locked when `forUpdate`, after the scope check; notes it for the access audit.
    static func visibleCase(_ context: ServiceRequestContext, forUpdate: Bool = false, on connection: PostgresConnection, logger: Logger) async throws -> PathwayCase {
        let id = context.parameters.get("id") ?? ""
        let caller = try context.caller()
        guard let pathwayCase = try await CaseStore.load(id, forUpdate: forUpdate, on: connection, logger: logger) else {
            throw RequestRefused(.notFound, "no case \(id)")
        }
        guard maySee(pathwayCase, caller) else {
            context.access.refused("case \(id) is outside the caller's scope")
            throw RequestRefused(.notFound, "no case \(id)")
        }
        context.access.caseID(pathwayCase.caseId)
        context.access.school(pathwayCase.schoolUrn)
        context.access.pupil(pathwayCase.upn)
        return pathwayCase
    }

    /// The caller as the chronology names them: their subject and the first of their roles that acts here.
    static func actor(_ context: ServiceRequestContext) throws -> CaseActor {
        let caller = try context.caller()
        return CaseActor(subject: caller.subject, role: caller.roles.sorted().first?.rawValue ?? "unknown")
    }
}
