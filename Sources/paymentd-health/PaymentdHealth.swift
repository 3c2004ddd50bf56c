import ArgumentParser
import Foundation
import HealthCheck
import JSON
import OperatorCLI

/// paymentd-health: one monitoring check of paymentd, for systemd timers, Nagios/Icinga and
/// node_exporter. It reads `stats` over the socket, judges it (`HealthEvaluation`), prints one
/// summary line with perfdata (or JSON), optionally writes a Prometheus textfile, and exits
/// 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN.
@main
struct PaymentdHealth: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "paymentd-health",
        abstract: "Check paymentd against thresholds: exit 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN.",
        discussion: """
            Examples:
              paymentd-health
              paymentd-health --sent-age-warning 30s --sent-age-critical 2m
              paymentd-health --prometheus /var/lib/node_exporter/textfile/paymentd.prom
              paymentd-health --json | jq .checks

            Prints one line in the monitoring-plugin format:
              PAYMENTD OK - 0 sent > 1m00s, confirm 99.8%, queue 3 | queue_depth=3;1000;5000;0 sent_age=4s;60;300;0 …
            A daemon that is down, hung or cannot read its database is CRITICAL; a --socket that is not
            paymentd's socket (wrong type, not a socket, no permission) is UNKNOWN: fix the check.
            Thresholds alert when a value is above an "above" limit (ages, depth, failures) or below a
            "below" limit (confirmation rate, transactions a signer can still pay for).
            """)

    @Option(help: ArgumentHelp("The daemon's socket (default: $PAYMENTD_SOCKET, else /run/paymentd/paymentd.sock).", valueName: "path"))
    var socket: String?

    @Flag(help: "Print the judgement as one JSON object (status, checks, perfdata, the daemon's stats) instead of the summary line.")
    var json = false

    @Option(help: ArgumentHelp("Also write the numbers in node_exporter's textfile format to this file (atomically).", valueName: "file"))
    var prometheus: String?

    @Option(help: ArgumentHelp("How long to wait for the daemon's answer.", valueName: "duration"))
    var timeout = DurationArgument(seconds: 10)

    @OptionGroup var limits: ThresholdOptions

    func validate() throws {
        let contradictions = limits.thresholds.contradictions
        if !contradictions.isEmpty { throw ValidationError(contradictions.joined(separator: "; ")) }
    }

    static func main() async {
        await OperatorCommandMain.run(PaymentdHealth.self) { error, _ in
            // A check that cannot even parse its arguments is UNKNOWN, as the plugin guidelines say.
            StandardOutput.out("PAYMENTD UNKNOWN - \(message(for: error).split(separator: "\n").first ?? "invalid arguments")\n")
            StandardOutput.error(fullMessage(for: error) + "\n")
            return HealthStatus.unknown.exitCode
        }
    }

    func run() async throws {
        let socketPath = SocketLocation.resolve(flag: socket, environment: ProcessInfo.processInfo.environment)
        let observation = await HealthProbe(socketPath: socketPath, timeoutSeconds: timeout.seconds).observe()
        var report = HealthEvaluation(thresholds: limits.thresholds).evaluate(observation)
        if let prometheus {
            do {
                try TextfileWriter.write(PrometheusTextfile.render(report, timestamp: Date().timeIntervalSince1970), to: prometheus)
            } catch {
                report.checks.append(CheckResult(name: "prometheus_textfile", status: .unknown, message: "--prometheus: \(error.description)"))
                report.status = max(report.status, .unknown)
            }
        }
        if json {
            var raw: JSONValue?
            if case .stats(_, let value) = observation { raw = value }
            StandardOutput.out(JSONWriterText.compact(report.jsonValue(rawStats: raw, socketPath: socketPath)) + "\n")
        } else {
            StandardOutput.out(report.summaryLine + "\n")
        }
        throw ExitCode(report.status.exitCode)
    }
}
