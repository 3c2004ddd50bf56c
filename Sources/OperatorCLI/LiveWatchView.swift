import Foundation
import LineProtocolCodec
import PaymentModel

/// Draws `LiveWatchState` as one terminal screen: status counts, rates per minute, queue
/// depth and ages, signer lanes, and the last events. The caller writes `clearScreen` before
/// each frame; the frame itself is plain lines so it can be pinned by tests.
public struct LiveWatchView: Sendable {
    /// Moves the cursor home and clears the screen (ANSI).
    public static let clearScreen = "\u{1B}[H\u{1B}[2J"

    public var style: TerminalStyle
    public var socketPath: String

    public init(style: TerminalStyle, socketPath: String) {
        self.style = style
        self.socketPath = socketPath
    }

    public func render(_ state: inout LiveWatchState, now: Date) -> String {
        var output = style.bold("paymentd watch") + "  \(socketPath)  \(RFC3339Time.format(now))  (Ctrl-C quits)\n\n"
        let rates = state.ratesPerMinute(at: now)
        var summary = TextTable(headers: ["last minute", [("enqueued", PaymentStatus.pending), ("sent", .sent), ("completed", .completed),
                                                           ("failed", .failed), ("confirmation_failed", .confirmationFailed)]
                                            .map { "\($0.0) \(rates[$0.1] ?? 0)" }.joined(separator: "  ")])
        if let stats = state.stats {
            summary.append(["payments", PaymentStatus.allCases.map { "\(style.status($0)) \(stats.counts[$0] ?? 0)" }.joined(separator: "  ")])
            summary.append(["queue", "depth \(stats.queueDepth), oldest pending \(stats.oldestPendingAgeSeconds.map(DurationText.format) ?? "-")"
                                + ", oldest sent \(stats.oldestSentAgeSeconds.map(DurationText.format) ?? "-")"])
            summary.append(["confirmation", StatsView.percent(stats.confirmationRate)
                                + ", average processing \(stats.averageProcessingSeconds.map(DurationText.format) ?? "-")"])
        }
        if let problem = state.statsProblem { summary.append(["stats", style.paint(problem, .red)]) }
        output += summary.render()
        if let stats = state.stats, !stats.signers.isEmpty {
            var lanes = TextTable(headers: ["SIGNER", "ROLE", "NEXT NONCE", "IN FLIGHT", "STATE"], alignments: [.left, .left, .right, .right, .left])
            for signer in stats.signers {
                lanes.append([HashText.show(signer.address, style: style), signer.role.rawValue, String(signer.nextNonce), String(signer.inFlight),
                              signer.pausedReason.map { style.paint("paused: \($0)", .red) } ?? style.paint("sending", .green)])
            }
            output += "\n" + lanes.render()
        }
        output += "\n" + style.bold("last events") + "\n"
        if state.recent.isEmpty { output += "(none yet)\n" }
        for event in state.recent.reversed() {
            output += WatchEventText.line(event, style: style)
        }
        return output
    }
}
