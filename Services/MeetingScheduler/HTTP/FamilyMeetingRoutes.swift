import AttendanceDomain
import Events
import Foundation
import Hummingbird
import Logging
import PostgresNIO
import ServiceRuntime

/// Meetings with the family about a case (shared/PATHWAY.md §3.2): `POST /v1/family-meetings`, `GET /v1/family-meetings?caseId=`,
/// and `POST /v1/family-meetings/{meeting}/move|cancel|attendance`. Each parent with parental responsibility is sent
/// their own invitation; the family may move a meeting once; a first missed meeting is a re-invitation and non-engagement
/// on the case's record, a second the "failed to attend" letter.
struct FamilyMeetingRoutes: Sendable {
    let postgres: PostgresClient
    let settings: SchedulerSettings
    let logger: Logger

    static let arrangers: Set<Role> = [.laOfficer, .laManager]

    func add(to api: RouterGroup<ServiceRequestContext>) {
        let officers = api.group().add(middleware: RequireRoles(Self.arrangers))
        officers.post("/v1/family-meetings") { request, context in try await arrange(request, context) }
        officers.get("/v1/family-meetings") { request, context in try await list(request, context) }
        officers.post("/v1/family-meetings/:meeting/move") { request, context in try await move(request, context) }
        officers.post("/v1/family-meetings/:meeting/cancel") { request, context in try await cancel(request, context) }
        officers.post("/v1/family-meetings/:meeting/attendance") { request, context in try await attendance(request, context) }
    }

    struct Arrangement: Decodable {
        var caseId: String
        var upn: String
        var schoolUrn: String
        var kind: String
        var date: String
        var starts: String
        var minutes: Int?
        /// The family's language (BCP 47): an interpreter is booked when it is not English.
        var language: String?
        /// Other staff invited (the school's attendance lead, a social worker): subjects or email addresses.
        var staff: [String]?
        /// The missed meeting this one re-invites the family to.
        var follows: String?
    }

    func arrange(_ request: Request, _ context: ServiceRequestContext) async throws -> Response {
        let body = try await APIBody.decode(Arrangement.self, request)
        let caller = try context.caller()
        guard let kind = Meeting.Kind(rawValue: body.kind), kind.isFamilyMeeting else {
            throw RequestRefused(.unprocessableContent, "kind: expected contract, contract_review or pre_court")
        }
        try APIBody.require(!body.caseId.isEmpty, "caseId", "must not be empty")
        try APIBody.require(body.upn.count == 13, "upn", "expected the pupil's 13-character UPN")
        guard caller.maySee(school: body.schoolUrn) else {
            context.access.refused("school \(body.schoolUrn) is outside the caller's schools")
            throw RequestRefused(.notFound, "no school \(body.schoolUrn) among the schools you can see")
        }
        let (start, end) = try FamilyMeetingRules(settings: settings).times(date: body.date, starts: body.starts, minutes: body.minutes ?? 60,
                                                                           today: .today, needsNotice: true)
        let follows = try body.follows.map { text throws -> UUID in
            guard let id = UUID(uuidString: text) else { throw RequestRefused(.unprocessableContent, "follows: expected a meeting id") }
            return id
        }
        for (index, person) in (body.staff ?? []).enumerated() {
            try APIBody.require(StaffAddress.isValid(person), "staff[\(index)]", "expected a person's subject or email address")
        }
        let primary = body.language?.split(separator: "-").first.map { $0.lowercased() } ?? "en"
        let interpreter = primary == "en" || primary.isEmpty ? nil : body.language
        context.access.caseID(body.caseId)
        context.access.pupil(body.upn)
        return try await APITransaction.run(postgres, logger: logger) { connection in
            if let follows {
                let earlier = try await MeetingStore.one(follows, on: connection, logger: logger)
                try APIBody.require(earlier?.caseId == body.caseId && earlier?.status == "did_not_attend", "follows",
                                    "expected a meeting of case \(body.caseId) the family did not attend")
            }
            let id = UUID()
            let staff = Array(Set([caller.subject] + (body.staff ?? []))).sorted()
            try await connection.query("""
                INSERT INTO meetings (meeting_id, kind, case_id, upn, school_urn, starts_at, ends_at, status, organiser, staff, interpreter_language, follows)
                VALUES (\(id), \(kind.rawValue), \(body.caseId), \(body.upn), \(body.schoolUrn), \(start), \(end), 'invited', \(caller.subject), \(staff),
                        \(interpreter), \(follows))
                """, logger: logger)
            guard let meeting = try await MeetingStore.one(id, on: connection, logger: logger) else { throw RequestRefused(.notFound, "no meeting") }
            try await MeetingNotices.announce(meeting, change: .invited, reason: nil, settings: settings, on: connection, logger: logger)
            try await context.recordAccess(request, status: .created, on: connection, logger: logger)
            return try JSONResponse.make(.created, meeting)
        }
    }

    func list(_ request: Request, _ context: ServiceRequestContext) async throws -> Response {
        let caller = try context.caller()
        guard let caseID = request.uri.queryParameters["caseId"].map(String.init), !caseID.isEmpty else {
            throw RequestRefused(.unprocessableContent, "caseId: the query needs the case's reference")
        }
        context.access.caseID(caseID)
        var binds = PostgresBindings()
        binds.append(caseID)
        let meetings = try await postgres.withConnection { connection in
            try await MeetingStore.find(where: "case_id = $1", binds, on: connection, logger: logger)
        }.filter { caller.maySee(school: $0.schoolUrn) }
        return try JSONResponse.make(.ok, ["meetings": meetings])
    }

    /// The path's family meeting, locked; 404 outside the caller's schools.
    func meeting(_ context: ServiceRequestContext, _ connection: PostgresConnection) async throws -> Meeting {
        let text = context.parameters.get("meeting") ?? ""
        guard let id = UUID(uuidString: text), let meeting = try await MeetingStore.one(id, forUpdate: true, on: connection, logger: logger),
              meeting.kind.isFamilyMeeting else { throw RequestRefused(.notFound, "no family meeting \(text)") }
        guard try context.caller().maySee(school: meeting.schoolUrn) else {
            context.access.refused("school \(meeting.schoolUrn) is outside the caller's schools")
            throw RequestRefused(.notFound, "no family meeting \(text)")
        }
        context.access.caseID(meeting.caseId ?? "")
        if let upn = meeting.upn { context.access.pupil(upn) }
        return meeting
    }

    struct Move: Decodable {
        var date: String
        var starts: String
        var minutes: Int?
        var reason: String
        /// The family asked for it: allowed once, and needs no notice.
        var atFamilyRequest: Bool
    }

    func move(_ request: Request, _ context: ServiceRequestContext) async throws -> Response {
        let body = try await APIBody.decode(Move.self, request)
        try APIBody.require(!body.reason.isEmpty, "reason", "say why the meeting moves")
        return try await APITransaction.run(postgres, logger: logger) { connection in
            let current = try await meeting(context, connection)
            guard current.status == "invited", current.startsAt > Date() else {
                throw RequestRefused(.conflict, "meeting \(current.meetingId) is \(current.status == "invited" ? "over" : current.status)")
            }
            if body.atFamilyRequest && current.familyMoves >= 1 {
                throw RequestRefused(.conflict, "the family has moved this meeting once already: cancel it and arrange a new one")
            }
            let minutes = body.minutes ?? Int(current.endsAt.timeIntervalSince(current.startsAt) / 60)
            let (start, end) = try FamilyMeetingRules(settings: settings).times(date: body.date, starts: body.starts, minutes: minutes, today: .today,
                                                                               needsNotice: !body.atFamilyRequest)
            try await connection.query("""
                UPDATE meetings SET starts_at = \(start), ends_at = \(end), sequence = sequence + 1, updated_at = now(),
                    family_moves = family_moves + \(body.atFamilyRequest ? 1 : 0)
                WHERE meeting_id = \(current.meetingId)
                """, logger: logger)
            guard let moved = try await MeetingStore.one(current.meetingId, on: connection, logger: logger) else { throw RequestRefused(.notFound, "no meeting") }
            try await MeetingNotices.announce(moved, change: .moved, reason: body.reason, settings: settings, on: connection, logger: logger)
            try await context.recordAccess(request, status: .ok, on: connection, logger: logger)
            return try JSONResponse.make(.ok, moved)
        }
    }

    struct Cancel: Decodable { var reason: String }

    func cancel(_ request: Request, _ context: ServiceRequestContext) async throws -> Response {
        let body = try await APIBody.decode(Cancel.self, request)
        try APIBody.require(!body.reason.isEmpty, "reason", "say why the meeting is cancelled")
        return try await APITransaction.run(postgres, logger: logger) { connection in
            let current = try await meeting(context, connection)
            guard current.status == "invited" else { throw RequestRefused(.conflict, "meeting \(current.meetingId) is \(current.status)") }
            try await connection.query("""
                UPDATE meetings SET status = 'cancelled', sequence = sequence + 1, updated_at = now() WHERE meeting_id = \(current.meetingId)
                """, logger: logger)
            guard let cancelled = try await MeetingStore.one(current.meetingId, on: connection, logger: logger) else { throw RequestRefused(.notFound, "no meeting") }
            try await MeetingNotices.announce(cancelled, change: .cancelled, reason: body.reason, settings: settings, on: connection, logger: logger)
            try await context.recordAccess(request, status: .ok, on: connection, logger: logger)
            return try JSONResponse.make(.ok, cancelled)
        }
    }

    struct Attendance: Decodable {
        var attended: Bool
        var note: String?
    }

    struct Recorded: Encodable {
        var meeting: Meeting
        /// Family meetings of this case missed so far.
        var missed: Int
        /// What happens next, in words.
        var next: String
    }

    /// After the meeting's start: attended, or not (the did-not-attend procedure).
    func attendance(_ request: Request, _ context: ServiceRequestContext) async throws -> Response {
        let body = try await APIBody.decode(Attendance.self, request)
        return try await APITransaction.run(postgres, logger: logger) { connection in
            let current = try await meeting(context, connection)
            guard current.status == "invited" else { throw RequestRefused(.conflict, "meeting \(current.meetingId)'s attendance is recorded already: \(current.status)") }
            guard current.startsAt <= Date() else { throw RequestRefused(.conflict, "meeting \(current.meetingId) has not started yet") }
            let status = body.attended ? "attended" : "did_not_attend"
            try await connection.query("""
                UPDATE meetings SET status = \(status), updated_at = now(),
                    details = details || jsonb_build_object('attendanceNote', \(body.note ?? ""))
                WHERE meeting_id = \(current.meetingId)
                """, logger: logger)
            guard let recorded = try await MeetingStore.one(current.meetingId, on: connection, logger: logger), let caseID = recorded.caseId else {
                throw RequestRefused(.notFound, "no meeting")
            }
            try await MeetingNotices.announce(recorded, change: body.attended ? .attended : .didNotAttend, reason: body.note, settings: settings,
                                              on: connection, logger: logger)
            let missed = try await MeetingStore.missed(case: caseID, on: connection, logger: logger)
            let next = body.attended ? "recorded as attended"
                : missed >= 2 ? "missed \(missed) meetings: the \"failed to attend\" letter is sent to each parent"
                : "missed: arrange a new meeting with \"follows\": \"\(recorded.meetingId.uuidString.lowercased())\"; non-engagement is on the case's record"
            try await context.recordAccess(request, status: .ok, on: connection, logger: logger)
            return try JSONResponse.make(.ok, Recorded(meeting: recorded, missed: missed, next: next))
        }
    }
}
