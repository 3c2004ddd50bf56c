import JSON
import LineProtocolClient
import LineProtocolCodec
import OperatorCLI
import PaymentModel

/// Gathers the facts: one `stats` call over the socket, within a timeout, and when there is no
/// answer, why (`SocketProbe`). Whether the daemon is down (critical) or the check cannot tell
/// (unknown) is decided here, once, from the kind of failure.
public struct HealthProbe: Sendable {
    public var socketPath: String
    public var timeoutSeconds: Double

    public init(socketPath: String, timeoutSeconds: Double) {
        self.socketPath = socketPath
        self.timeoutSeconds = timeoutSeconds
    }

    public func observe() async -> HealthObservation {
        let client = PaymentdClient(socketPath: socketPath, requestTimeout: .milliseconds(Int64(timeoutSeconds * 1000)))
        let raw: JSONValue
        do {
            raw = try await client.send(.stats)
            await client.close()
        } catch {
            await client.close()
            return Self.observation(for: error, socketPath: socketPath, timeoutSeconds: timeoutSeconds)
        }
        do {
            return .stats(try PaymentStats(wire: raw), raw: raw)
        } catch {
            return .undetermined("the stats at \(socketPath) cannot be read (\(error.description)); is paymentd-health the daemon's release?")
        }
    }

    static func observation(for error: PaymentdClientError, socketPath: String, timeoutSeconds: Double) -> HealthObservation {
        switch error {
        case .connectionFailed:
            let problem = SocketProbe.diagnose(path: socketPath)
            return problem.meansDaemonDown ? .daemonDown(problem.explanation(path: socketPath)) : .undetermined(problem.explanation(path: socketPath))
        case .timedOut:
            return .daemonDown("paymentd at \(socketPath) did not answer stats within \(DurationText.format(timeoutSeconds)) (hung or overloaded)")
        case .connectionClosed:
            return .daemonDown("paymentd at \(socketPath) closed the connection before answering (stopping or crashing)")
        case .remote(let wire):
            return .daemonDown("paymentd answered stats with \(wire.code): \(wire.message)")
        case .malformedResponse, .responseTooLong:
            return .undetermined("what answers at \(socketPath) is not paymentd's protocol (\(error.description))")
        }
    }
}
