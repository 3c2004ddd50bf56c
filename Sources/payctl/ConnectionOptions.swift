import ArgumentParser
import Foundation
import OperatorCLI

/// The options every socket command takes: where the daemon is and how long to wait.
struct ConnectionOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The daemon's socket (default: $PAYMENTD_SOCKET, else /run/paymentd/paymentd.sock).",
                                            valueName: "path"))
    var socket: String?

    @Option(name: .long, help: ArgumentHelp("How long to wait for each answer, e.g. 30s or 2m.", valueName: "duration"))
    var timeout: DurationArgument = DurationArgument(seconds: 30)

    var socketPath: String {
        SocketLocation.resolve(flag: socket, environment: ProcessInfo.processInfo.environment)
    }

    func session() -> DaemonSession {
        DaemonSession(socketPath: socketPath, timeoutSeconds: timeout.seconds)
    }
}

/// How results are shown: a table for people, or the protocol's JSON for scripts.
struct DisplayOptions: ParsableArguments {
    @Flag(name: .long, help: "Print the daemon's result exactly as JSON, one line per item (for scripts and jq).")
    var json = false

    @Flag(name: .long, help: "Show amounts in atomic units too, beside USDC units.")
    var atomic = false

    var style: TerminalStyle {
        TerminalStyle.detect(descriptor: 1, environment: ProcessInfo.processInfo.environment)
    }
}
