import Foundation
import Logging
import PostgresNIO
import ServiceRuntime

/// Local accounts in the `accounts` table: creation (by command), sign-in with lock-out, and the sign-in log.
struct AccountStore: Sendable {
    let postgres: PostgresClient
    let logger: Logger

    enum SignInResult: Equatable {
        case signedIn(Account)
        /// A wrong name or password: the page says the same for both.
        case refused
        case locked(minutes: Int)
    }

    func create(_ account: Account, passwordHash: String) async throws {
        try await postgres.query("""
            INSERT INTO accounts (username, display_name, password_hash, roles, schools, pupils)
            VALUES (\(account.username), \(account.displayName), \(passwordHash), \(account.roles.map(\.rawValue)), \(account.schools), \(account.pupils))
            ON CONFLICT (username) DO UPDATE SET display_name = EXCLUDED.display_name, password_hash = EXCLUDED.password_hash,
                roles = EXCLUDED.roles, schools = EXCLUDED.schools, pupils = EXCLUDED.pupils, failed_sign_ins = 0, locked_until = NULL
            """, logger: logger)
        // A new password (or new roles) ends every session of the old ones.
        try await postgres.query("DELETE FROM sessions WHERE username = \(account.username)", logger: logger)
    }

    /// An account the LA's identity provider vouched for: its name, roles and schools as the provider said at this
    /// sign-in (a person moved to other schools at the provider sees those at their next sign-in). It has no password.
    func federated(_ account: Account) async throws {
        try await postgres.query("""
            INSERT INTO accounts (username, display_name, password_hash, roles, schools, pupils, federated)
            VALUES (\(account.username), \(account.displayName), '', \(account.roles.map(\.rawValue)), \(account.schools), \(account.pupils), true)
            ON CONFLICT (username) DO UPDATE SET display_name = EXCLUDED.display_name, roles = EXCLUDED.roles, schools = EXCLUDED.schools,
                pupils = EXCLUDED.pupils, password_hash = '', federated = true
            """, logger: logger)
    }

    func unlock(_ username: String) async throws -> Bool {
        var found = false
        for try await _ in try await postgres.query(
            "UPDATE accounts SET failed_sign_ins = 0, locked_until = NULL WHERE username = \(username) RETURNING 1", logger: logger) { found = true }
        return found
    }

    func account(_ username: String) async throws -> Account? {
        let rows = try await postgres.query(
            "SELECT username, display_name, roles, schools, pupils FROM accounts WHERE username = \(username) AND NOT disabled", logger: logger)
        for try await (name, display, roles, schools, pupils) in rows.decode((String, String, [String], [String], [String]).self) {
            return Account(username: name, displayName: display, roles: roles.compactMap(Role.init(rawValue:)), schools: schools, pupils: pupils)
        }
        return nil
    }

    /// Checks a password. `lockAfter` failures in a row lock the account for `lockMinutes`; a locked account is refused
    /// without looking at the password (so guessing during the lock learns nothing). The attempt is counted before the
    /// password is checked, in one statement, so guesses sent together cannot all slip in before the lock; a right
    /// password then clears the count. Every attempt is logged.
    func signIn(username: String, password: String, lockAfter: Int, lockMinutes: Int, client: String?) async throws -> SignInResult {
        let rows = try await postgres.query("""
            UPDATE accounts SET failed_sign_ins = failed_sign_ins + 1,
                locked_until = CASE WHEN failed_sign_ins + 1 >= \(lockAfter)::int THEN now() + make_interval(mins => \(lockMinutes)::int) END
            WHERE username = \(username) AND NOT disabled AND NOT federated AND (locked_until IS NULL OR locked_until <= now())
            RETURNING password_hash, locked_until IS NOT NULL
            """, logger: logger)
        var claimed: (hash: String, lockedNow: Bool)?
        for try await (hash, lockedNow) in rows.decode((String, Bool).self) { claimed = (hash, lockedNow) }
        guard let claimed else {
            if try await exists(username) {
                try await log(username, "locked", client: client)
                return .locked(minutes: lockMinutes)
            }
            _ = try await PasswordHasher.hash(password, cost: 12)  // an unknown name takes as long as a wrong password
            try await log(username, "unknown_account", client: client)
            return .refused
        }
        guard try await PasswordHasher.verify(password, hash: claimed.hash) else {
            try await log(username, claimed.lockedNow ? "wrong_password_locked" : "wrong_password", client: client)
            return claimed.lockedNow ? .locked(minutes: lockMinutes) : .refused
        }
        try await postgres.query("UPDATE accounts SET failed_sign_ins = 0, locked_until = NULL WHERE username = \(username)", logger: logger)
        try await log(username, "signed_in", client: client)
        guard let account = try await account(username) else { return .refused }
        return .signedIn(account)
    }

    /// A local account (not one the provider vouched for) with this name, locked or not.
    func exists(_ username: String) async throws -> Bool {
        for try await _ in try await postgres.query(
            "SELECT 1 FROM accounts WHERE username = \(username) AND NOT disabled AND NOT federated", logger: logger) { return true }
        return false
    }

    func log(_ username: String, _ outcome: String, client: String?) async throws {
        try await postgres.query("INSERT INTO sign_ins (username, outcome, client) VALUES (\(username), \(outcome), \(client))", logger: logger)
    }
}
