@testable import AbsenceDetector
import AttendanceDomain
import Foundation
@testable import LAPortal
import NIOCore
import PostgresNIO
import ServiceRuntime
import Storage
import TestSupport
import Testing

/// The portal's own rules, and the detector's weekly figures it draws: the browser test (deploy/local/browser-test)
/// covers the pages end to end.
@Suite struct PortalUnitTests {
    @Test func weeklyFiguresCountSchoolWeeksOnly() throws {
        var history = SessionHistory()
        let monday = try #require(SchoolDate(iso: "2026-11-02"))
        func mark(_ day: Int, _ half: SessionHalf, _ code: String) {
            let session = Session(date: monday.adding(days: day), half: half)
            _ = history.set(Int32(session.ordinal), codeIndex: SessionHistory.codeIndex[code]!)
        }
        // Week 1: 8 present, 1 unauthorised (O), 1 authorised (I). Week 2: closures only (#). Week 3: 2 present.
        for day in 0..<4 { mark(day, .am, "/"); mark(day, .pm, "\\") }
        mark(4, .am, "O"); mark(4, .pm, "I")
        for day in 7..<12 { mark(day, .am, "#"); mark(day, .pm, "#") }
        mark(14, .am, "/"); mark(14, .pm, "\\")
        let weeks = WeeklyRoutes.weeks([history], last: 12)
        #expect(weeks.map(\.weekStarting) == ["2026-11-02", "2026-11-16"], "a week of closures only is not a school week")
        #expect(weeks[0].possibleSessions == 10 && weeks[0].attendedSessions == 8 && weeks[0].unauthorisedAbsenceSessions == 1
                && weeks[0].authorisedAbsenceSessions == 1)
        #expect(weeks[0].attendanceRate == 80.0 && weeks[1].attendanceRate == 100.0)
        #expect(WeeklyRoutes.weeks([history], last: 1).map(\.weekStarting) == ["2026-11-16"], "the last N weeks")
    }

    @Test func aRefusedStageMoveNamesEveryOpenItemAndLinksIt() {
        let body: [String: Any] = ["error": "stage 2 → 3 refused: checklist_incomplete, case_active", "unmet": [
            ["guard": "checklist_incomplete", "detail": "stage 2 smart_targets: Are SMART targets in place for the child, family, school and wider professionals?"],
            ["guard": "case_active", "detail": "the case is awaiting_meeting"],
        ]]
        let errors = CasePage.errors(from: .init(status: 409, json: JSON(body)), fields: ["to": "stage-to"], otherwise: "stage-to")
        #expect(errors.map(\.field) == ["item-2-smart_targets", "stage-to"])
        #expect(errors[0].message == "Checklist item not complete (stage 2): Are SMART targets in place for the child, family, school and wider professionals?")
        #expect(errors[1].message == "The case is awaiting_meeting")
        let field = CasePage.errors(from: .init(status: 422, json: JSON(["error": "summary: must not be empty"])), fields: ["summary": "entry-summary"], otherwise: "entry-type")
        #expect(field.map(\.field) == ["entry-summary"] && field[0].message == "Summary: must not be empty")
    }

    @Test func signInGoesBackOnlyToThisSite() {
        #expect(SignInRoutes.safe("/cases/AP-2026-0001") == "/cases/AP-2026-0001")
        for hostile in ["//evil.example/x", "https://evil.example", "/\\evil.example", "/\t/evil.example", "/\n/evil.example", "cases", nil] {
            #expect(SignInRoutes.safe(hostile) == "/", "\(hostile ?? "nil")")
        }
    }

    @Test func formBodiesDecodeAsBrowsersSendThem() {
        let form = FormBody.parse(ByteBuffer(string: "summary=Called+mum%3A+agreed+a+meeting%20Friday&csrf=abc&empty="))
        #expect(form["summary"] == "Called mum: agreed a meeting Friday" && form["csrf"] == "abc" && form.text("empty") == nil)
    }

    /// Five wrong passwords in a row lock the account, even against the right password, until an administrator
    /// unlocks it; every attempt is in the sign-in log. On the real PostgreSQL, with bcrypt.
    @Test func repeatedFailuresLockTheAccount() async throws {
        let schema = TestEnvironment.uniqueSchema("portal")
        try await TestEnvironment.withPostgres(schema: schema) { postgres in
            _ = try await SchemaMigrator(schema: schema, migrations: LAPortal.descriptor.migrations).apply(using: postgres, logger: TestEnvironment.logger)
            let store = AccountStore(postgres: postgres, logger: TestEnvironment.logger)
            let account = Account(username: "officer-1", displayName: "Sam Reid", roles: [.laOfficer], schools: ["100700"], pupils: [])
            try await store.create(account, passwordHash: try await PasswordHasher.hash("correct horse battery", cost: 10))
            func attempt(_ password: String) async throws -> AccountStore.SignInResult {
                try await store.signIn(username: "officer-1", password: password, lockAfter: 5, lockMinutes: 15, client: "127.0.0.1")
            }
            #expect(try await attempt("correct horse battery") == .signedIn(account))
            for _ in 0..<4 { #expect(try await attempt("wrong") == .refused) }
            #expect(try await attempt("wrong") == .locked(minutes: 15), "the fifth failure locks")
            #expect(try await attempt("correct horse battery") == .locked(minutes: 15), "locked: the right password is refused too")
            #expect(try await store.signIn(username: "nobody", password: "x", lockAfter: 5, lockMinutes: 15, client: nil) == .refused)
            #expect(try await store.unlock("officer-1"))
            #expect(try await attempt("correct horse battery") == .signedIn(account))
            // Guesses sent together: the lock still comes after five, not after every guess in flight has been checked.
            let results = try await withThrowingTaskGroup(of: AccountStore.SignInResult.self) { group in
                for _ in 0..<12 { group.addTask { try await attempt("guess") } }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(results.filter { $0 == .refused }.count == 4, "\(results)")
            #expect(results.filter { $0 == .locked(minutes: 15) }.count == 8, "\(results)")
            #expect(try await store.unlock("officer-1"))
            let rows = try await postgres.query("SELECT outcome FROM sign_ins ORDER BY id", logger: TestEnvironment.logger)
            var outcomes: [String] = []
            for try await outcome in rows.decode(String.self) { outcomes.append(outcome) }
            #expect(Array(outcomes.prefix(9)) == ["signed_in"] + Array(repeating: "wrong_password", count: 4) + ["wrong_password_locked", "locked", "unknown_account", "signed_in"])
            #expect(outcomes.count == 21)
        }
    }

    /// A session ends at sign-out; its cookie is stored only as a hash.
    @Test func sessionsAreStoredHashedAndEnd() async throws {
        let schema = TestEnvironment.uniqueSchema("portal")
        try await TestEnvironment.withPostgres(schema: schema) { postgres in
            _ = try await SchemaMigrator(schema: schema, migrations: LAPortal.descriptor.migrations).apply(using: postgres, logger: TestEnvironment.logger)
            try await AccountStore(postgres: postgres, logger: TestEnvironment.logger).create(
                Account(username: "lead-1", displayName: "Jo", roles: [.schoolLead], schools: ["100701"], pupils: []), passwordHash: "x")
            let sessions = SessionStore(postgres: postgres, logger: TestEnvironment.logger, idleMinutes: 30, sessionHours: 10)
            let (cookie, session) = try await sessions.start(username: "lead-1")
            #expect(try await sessions.find(cookie: cookie)?.csrfToken == session.csrfToken)
            #expect(try await sessions.find(cookie: cookie + "x") == nil)
            let stored = try await AccessFixture.count("SELECT count(*)::int FROM \(schema).sessions WHERE id_sha256 = decode('\(Array(cookie.utf8).map { String(format: "%02x", $0) }.joined())', 'hex')", postgres)
            #expect(stored == 0, "the cookie itself is never stored")
            try await sessions.end(cookie: cookie)
            #expect(try await sessions.find(cookie: cookie) == nil)
        }
    }
}
