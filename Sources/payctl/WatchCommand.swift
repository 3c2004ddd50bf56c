import ArgumentParser
import Foundation
import LineProtocolClient
import LineProtocolCodec
import OperatorCLI
import PaymentModel

struct WatchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "watch",
        abstract: "Follow payments as they change state: a live view on a terminal, event lines when piped.",
        discussion: """
            Examples:
              payctl watch                                   live view: counts, rates per minute, queue, signers, last events
              payctl watch 0b6f1c5e-3f0a-4d7e-9a43-2f1d9c1e7b55 | tee payment.log
              payctl watch --json | jq -c 'select(.status == "confirmation_failed")'
            Ctrl-C ends it. When the daemon stops, the watch ends with exit status 3.
            """)

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var display: DisplayOptions

    @Argument(help: ArgumentHelp("Only this payment's events.", valueName: "payment-id"))
    var paymentID: String?

    func validate() throws {
        if let paymentID, PaymentID.canonical(paymentID) == nil {
            throw ValidationError("'\(paymentID)' is not a payment id; ids are UUIDs (see `payctl list`).")
        }
    }

    func run() async throws {
        let session = connection.session()
        let events: AsyncThrowingStream<PaymentEvent, any Error>
        do {
            events = try await session.client.watch(paymentID: paymentID.flatMap(PaymentID.canonical))
        } catch {
            throw session.report(error)
        }
        let style = display.style
        if display.json || !style.isTerminal {
            try await followPlain(events, session: session, style: style)
        } else {
            try await followLive(events, session: session, style: style)
        }
    }

    private func followPlain(_ events: AsyncThrowingStream<PaymentEvent, any Error>, session: DaemonSession, style: TerminalStyle) async throws {
        do {
            for try await event in events {
                StandardOutput.out(display.json ? WatchEventText.json(event) : WatchEventText.line(event, style: style))
            }
        } catch {
            throw ended(error, session: session)
        }
    }

    private func followLive(_ events: AsyncThrowingStream<PaymentEvent, any Error>, session: DaemonSession, style: TerminalStyle) async throws {
        let screen = LiveScreen(view: LiveWatchView(style: style, socketPath: session.socketPath))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                do {
                    for try await event in events { await screen.record(event) }
                } catch {
                    throw ended(error, session: session)
                }
            }
            group.addTask {
                while !Task.isCancelled {
                    do {
                        let stats = try await session.client.stats()
                        await screen.update(stats)
                    } catch {
                        await screen.statsFailed("\(error)")
                    }
                    try await Task.sleep(for: .seconds(1))
                }
            }
            try await group.next()
            group.cancelAll()
        }
    }

    private func ended(_ error: any Error, session: DaemonSession) -> PayctlFailure {
        session.report(error as? PaymentdClientError ?? .connectionClosed)
    }
}

/// The live view's screen: one state, redrawn whole on every change.
actor LiveScreen {
    private var state = LiveWatchState()
    private let view: LiveWatchView

    init(view: LiveWatchView) {
        self.view = view
    }

    func record(_ event: PaymentEvent) {
        state.record(event, receivedAt: Date())
        draw()
    }

    func update(_ stats: PaymentStats) {
        state.update(stats)
        draw()
    }

    func statsFailed(_ problem: String) {
        state.statsFailed(problem)
        draw()
    }

    private func draw() {
        StandardOutput.out(LiveWatchView.clearScreen + view.render(&state, now: Date()))
    }
}
