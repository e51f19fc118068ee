import Foundation
import NIOCore
import NIOPosix
import NIOSSL

/// Why an email was not accepted. Only a 5xx to the recipient or to the message itself is permanent: a 5xx to AUTH or
/// MAIL FROM is the relay's configuration (a wrong password), which is retried, not taken out on the family.
enum SMTPError: Error, CustomStringConvertible {
    /// The server's code and its enhanced status code (`5.1.1`); never its text, which often quotes the address.
    case rejected(command: String, code: Int, status: String?)
    case connectionClosed(during: String)
    case startTLSUnavailable
    case startTLSInjection

    var isPermanent: Bool {
        if case .rejected(let command, let code, _) = self { return code >= 500 && [SMTPClient.recipientCommand, SMTPClient.endOfData].contains(command) }
        return false
    }

    var description: String {
        switch self {
        case .rejected(let command, let code, let status): "the SMTP server answered \(command) with \(code)\(status.map { " \($0)" } ?? "")"
        case .connectionClosed(let command): "the SMTP connection closed while waiting for the answer to \(command)"
        case .startTLSUnavailable: "the SMTP server does not offer STARTTLS (a message is never sent in clear)"
        case .startTLSInjection: "the SMTP server sent more before TLS began (refused: it could be an injection)"
        }
    }
}

/// One SMTP reply: its code and its lines of text.
struct SMTPReply: Sendable {
    var code: Int
    var lines: [String]
}

/// A submission client (RFC 6409): EHLO, STARTTLS (required), AUTH PLAIN, then one message per connection.
/// The message is the server's once it answers 250 to the end of DATA; the dispatcher marks it sent only then.
struct SMTPClient: Sendable {
    static let recipientCommand = "RCPT TO"
    static let endOfData = "the end of DATA"

    let settings: SMTPSettings
    let tls: NIOSSLContext
    /// The whole conversation's limit: a server that stops answering is hung up on, and the message tried again.
    var timeout: TimeAmount = .seconds(60)

    init(settings: SMTPSettings) throws {
        self.settings = settings
        var configuration = TLSConfiguration.makeClientConfiguration()
        if let ca = settings.caFile { configuration.additionalTrustRoots = [.file(ca)] }
        tls = try NIOSSLContext(configuration: configuration)
    }

    /// Sends `message` from `sender` to `recipient`; returns the server's answer to the data (its queue id, often).
    func send(_ message: String, from sender: String, to recipient: String) async throws -> String {
        let (stream, continuation) = AsyncThrowingStream<SMTPReply, any Error>.makeStream()
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(.seconds(10))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(SMTPReplyDecoder(replies: continuation)) }
            }
            .connect(host: settings.host, port: settings.port).get()
        let deadline = channel.eventLoop.scheduleTask(in: timeout) { channel.close(promise: nil) }
        defer {
            deadline.cancel()
            channel.close(promise: nil)
        }
        var replies = stream.makeAsyncIterator()
        var read = 0
        func expect(_ command: String, _ accepted: ClosedRange<Int>) async throws -> SMTPReply {
            guard let reply = try await replies.next() else { throw SMTPError.connectionClosed(during: command) }
            read += 1
            guard accepted.contains(reply.code) else {
                let status = reply.lines.first.flatMap { $0.split(separator: " ").first }.map(String.init).flatMap { $0.range(of: #"^[245]\.\d{1,3}\.\d{1,3}$"#, options: .regularExpression) != nil ? $0 : nil }
                throw SMTPError.rejected(command: command, code: reply.code, status: status)
            }
            return reply
        }
        func say(_ line: String) async throws {
            try await channel.writeAndFlush(ByteBuffer(string: line + "\r\n")).get()
        }
        _ = try await expect("the greeting", 220...220)
        try await say("EHLO \(settings.heloName)")
        let features = try await expect("EHLO", 250...250)
        guard features.lines.contains(where: { $0.uppercased().hasPrefix("STARTTLS") }) else { throw SMTPError.startTLSUnavailable }
        try await say("STARTTLS")
        _ = try await expect("STARTTLS", 220...220)
        // TLS goes in front of the reply decoder, on the channel's own event loop (handlers are not Sendable).
        // Nothing may have come after the 220 in clear: it would be read as if it came over TLS.
        let (tls, host, consumed) = (tls, settings.host, read)
        try await channel.eventLoop.submit {
            let decoder = try channel.pipeline.syncOperations.handler(type: SMTPReplyDecoder.self)
            guard decoder.isIdle(afterReplies: consumed) else { throw SMTPError.startTLSInjection }
            try channel.pipeline.syncOperations.addHandler(try NIOSSLClientHandler(context: tls, serverHostname: host), position: .first)
        }.get()
        try await say("EHLO \(settings.heloName)")
        _ = try await expect("EHLO after STARTTLS", 250...250)
        if let username = settings.username, let password = settings.password {
            let credentials = Data("\u{0}\(username)\u{0}\(password)".utf8).base64EncodedString()
            try await say("AUTH PLAIN \(credentials)")
            _ = try await expect("AUTH", 235...235)
        }
        try await say("MAIL FROM:<\(sender)>")
        _ = try await expect("MAIL FROM", 250...250)
        try await say("RCPT TO:<\(recipient)>")
        _ = try await expect(Self.recipientCommand, 250...251)
        try await say("DATA")
        _ = try await expect("DATA", 354...354)
        try await channel.writeAndFlush(ByteBuffer(string: Self.dotStuffed(message) + "\r\n.\r\n")).get()
        let accepted = try await expect(Self.endOfData, 250...250)
        try? await say("QUIT")
        return accepted.lines.joined(separator: " ")
    }

    /// Normalises line ends to CRLF and doubles a leading dot (RFC 5321 §4.5.2).
    static func dotStuffed(_ message: String) -> String {
        message.replacingOccurrences(of: "\r\n", with: "\n").split(separator: "\n", omittingEmptySubsequences: false)
            .map { $0.hasPrefix(".") ? "." + $0 : String($0) }.joined(separator: "\r\n")
    }
}

/// Splits the server's bytes into lines and lines into replies (`250-…` continues, `250 …` ends one).
final class SMTPReplyDecoder: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    private let replies: AsyncThrowingStream<SMTPReply, any Error>.Continuation
    private var pending = ""
    private var lines: [String] = []
    private var yielded = 0

    /// No partial reply waiting and no reply beyond the `count` the client has read.
    func isIdle(afterReplies count: Int) -> Bool { pending.isEmpty && lines.isEmpty && yielded == count }

    init(replies: AsyncThrowingStream<SMTPReply, any Error>.Continuation) {
        self.replies = replies
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var buffer = unwrapInboundIn(data)
        pending += buffer.readString(length: buffer.readableBytes) ?? ""
        while let end = pending.range(of: "\r\n") {
            let line = String(pending[..<end.lowerBound])
            pending.removeSubrange(..<end.upperBound)
            let code = Int(line.prefix(3)) ?? 0
            lines.append(String(line.dropFirst(4)))
            if line.count < 4 || line[line.index(line.startIndex, offsetBy: 3)] != "-" {
                replies.yield(SMTPReply(code: code, lines: lines))
                yielded += 1
                lines = []
            }
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        replies.finish(throwing: error)
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        replies.finish()
        context.fireChannelInactive()
    }
}
