import HummingbirdBcrypt
import NIOPosix

/// bcrypt, on NIO's blocking thread pool: a hash takes a quarter of a second of CPU on purpose, which must not hold
/// a thread of Swift's cooperative pool.
enum PasswordHasher {
    static func hash(_ password: String, cost: UInt8) async throws -> String {
        try await NIOThreadPool.singleton.runIfActive { Bcrypt.hash(password, cost: cost) }
    }

    static func verify(_ password: String, hash: String) async throws -> Bool {
        try await NIOThreadPool.singleton.runIfActive { Bcrypt.verify(password, hash: hash) }
    }

}
