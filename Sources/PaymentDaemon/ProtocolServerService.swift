import LineProtocolServer
import ServiceLifecycle

/// The socket server as a member of the daemon's `ServiceGroup`: graceful shutdown makes it
/// stop accepting and reading, answer what was read, and close (`ProtocolServer.shutdown`).
/// A listener that fails by itself throws, which shuts the whole group down: a daemon no
/// client can reach must not keep running deaf (it exits 1, and systemd restarts it).
struct ProtocolServerService: Service, CustomStringConvertible {
    let server: ProtocolServer

    var description: String { "socket server on \(server.address)" }

    func run() async throws {
        let server = self.server
        try await withGracefulShutdownHandler {
            do throws(ProtocolServerError) {
                try await server.run()
            } catch {
                throw DaemonError.listener(error.description)
            }
        } onGracefulShutdown: {
            server.shutdown()
        }
    }
}
