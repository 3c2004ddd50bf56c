import Foundation
import JSON
import LineProtocolClient
import LineProtocolCodec

/// One payctl command's connection to the daemon: the resolved socket, a client, and the one
/// place where a failed call becomes what the operator reads (`FailureReport`, with the socket
/// diagnosed when the daemon could not be reached) and an exit status.
public struct DaemonSession: Sendable {
    public let socketPath: String
    public let client: PaymentdClient

    public init(socketPath: String, timeoutSeconds: Double?) {
        self.socketPath = socketPath
        client = PaymentdClient(socketPath: socketPath, requestTimeout: timeoutSeconds.map { .milliseconds(Int64($0 * 1000)) })
    }

    /// Sends `command` and returns its result as the daemon wrote it; on failure prints the
    /// report to standard error and throws the exit status.
    public func send(_ command: ProtocolCommand) async throws(PayctlFailure) -> JSONValue {
        do {
            return try await client.send(command)
        } catch {
            throw report(error)
        }
    }

    /// Prints what went wrong and returns the failure to throw.
    public func report(_ error: PaymentdClientError) -> PayctlFailure {
        let problem: SocketProblem? = if case .connectionFailed = error { SocketProbe.diagnose(path: socketPath) } else { nil }
        let failure = FailureReport(error, socketPath: socketPath, problem: problem)
        StandardOutput.error(failure.lines.map { $0 + "\n" }.joined())
        return PayctlFailure(failure.exitStatus)
    }

    /// Reads a result into a typed value; a result this payctl cannot read is reported like
    /// any malformed response.
    public func decode<Value>(_ result: JSONValue, _ reader: (JSONValue) throws(JSONShapeError) -> Value) throws(PayctlFailure) -> Value {
        do {
            return try reader(result)
        } catch {
            throw report(.malformedResponse(error.description))
        }
    }

    public func close() async {
        await client.close()
    }
}
