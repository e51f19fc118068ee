import NIOCore
import NIOPosix
import Synchronization

/// A TCP forwarder in front of a real server, which a test can cut and restore: the way to take
/// PostgreSQL away from one service without stopping it for every other test.
final class TCPForwarder: Sendable {
    private let targetHost: String
    private let targetPort: Int
    private let group = MultiThreadedEventLoopGroup.singleton
    private let state = Mutex<(server: (any Channel)?, port: Int, connections: [any Channel])>((nil, 0, []))

    init(targetHost: String, targetPort: Int) {
        self.targetHost = targetHost
        self.targetPort = targetPort
    }

    /// The port the forwarder listens on (chosen at the first start, kept across restarts).
    var port: Int { state.withLock { $0.port } }

    func start() async throws {
        let (host, port) = (targetHost, targetPort)
        let requestedPort = self.port
        let server = try await ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { [self] inbound in  // stop() closes the server, which releases this
                ClientBootstrap(group: inbound.eventLoop)
                    .channelInitializer { outbound in
                        outbound.eventLoop.makeCompletedFuture {
                            try outbound.pipeline.syncOperations.addHandler(Glue(partner: inbound))
                        }
                    }
                    .connect(host: host, port: port)
                    .flatMapThrowing { outbound in
                        try inbound.pipeline.syncOperations.addHandler(Glue(partner: outbound))
                        self.state.withLock { $0.connections += [inbound, outbound] }
                    }
            }
            .bind(host: "127.0.0.1", port: requestedPort).get()
        state.withLock {
            $0.server = server
            $0.port = server.localAddress?.port ?? requestedPort
        }
    }

    /// Stops listening and cuts every open connection.
    func stop() async {
        let (server, connections) = state.withLock { state in
            defer { state.server = nil; state.connections = [] }
            return (state.server, state.connections)
        }
        try? await server?.close()
        for connection in connections { try? await connection.close() }
    }

    /// Copies what one side reads to the other, and closes the other when one side closes.
    private final class Glue: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        let partner: any Channel

        init(partner: any Channel) { self.partner = partner }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            partner.writeAndFlush(unwrapInboundIn(data), promise: nil)
        }

        func channelInactive(context: ChannelHandlerContext) {
            partner.close(promise: nil)
            context.fireChannelInactive()
        }

        func errorCaught(context: ChannelHandlerContext, error: any Error) {
            context.close(promise: nil)
        }
    }
}
