import ArgumentParser
import OperatorCLI

/// payctl: the operator's command line for paymentd. Every socket command is a subcommand;
/// output is a table for people and exact protocol JSON with `--json`. The exit status says
/// what happened (0 ok, 1 refused, 2 usage, 3 unreachable, 4 not found), so scripts need not
/// parse text. The work is done in `OperatorCLI`; this file only maps errors to statuses.
@main
struct Payctl: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "payctl",
        abstract: "Operate paymentd over its socket: payments, stats, settings, live events, migrations.",
        discussion: """
            Examples:
              payctl stats
              payctl list --status sent --older-than 5m
              payctl status 0b6f1c5e-3f0a-4d7e-9a43-2f1d9c1e7b55
              payctl enqueue --file payments.jsonl
              payctl watch
              payctl list --json | jq -r .payment_id

            The socket is --socket PATH, else $PAYMENTD_SOCKET, else /run/paymentd/paymentd.sock.
            Exit status: 0 ok, 1 the daemon refused (its error code is printed), 2 usage,
            3 the daemon could not be reached, 4 not found.
            """,
        subcommands: [
            PingCommand.self, VersionCommand.self, StatsCommand.self, ListCommand.self, StatusCommand.self,
            EnqueueCommand.self, RetryCommand.self, RetryMintCommand.self, RefundCommand.self, CancelCommand.self, PricesCommand.self,
            SettingsCommand.self, WatchCommand.self, StopCommand.self, MigrateCommand.self, CheckUpgradeCommand.self,
        ])

    static func main() async {
        await OperatorCommandMain.run(Payctl.self) { error, usage in
            StandardOutput.error(fullMessage(for: error) + "\n")
            return usage ? PayctlExitStatus.usage.rawValue : exitCode(for: error).rawValue
        }
    }
}
