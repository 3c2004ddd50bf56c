import Foundation
import JSON
import LineProtocolCodec
import OperatorCLI
import PaymentModel
import XCTest

/// payctl's human outputs, pinned: the table on a terminal (colours, short hashes), the same
/// table into a pipe (plain, full values, `-` for empty cells), and the detail and stats views.
final class ViewTests: XCTestCase {
    private let terminal = TerminalStyle(isTerminal: true, colors: true)

    func testListIntoAPipeIsPlainWithFullValues() {
        let view = PaymentListView(style: .plain, showAtomic: false, now: Samples.now)
        let output = view.render([Samples.payment(), Samples.payment(id: "1c7d2e6f-0000-4000-8000-000000000002", status: .pending, txHash: nil)])
        XCTAssertEqual(output, """
            ID                                    STATUS       AGE   USDC  PAYER                                       TX
            0b6f1c5e-3f0a-4d7e-9a43-2f1d9c1e7b55  completed  2m13s  0.001  0x2D4C407BBe49438ED859fe965b140dcF1aaB71a9  \(Samples.tx)
            1c7d2e6f-0000-4000-8000-000000000002  pending    2m13s  0.001  0x2D4C407BBe49438ED859fe965b140dcF1aaB71a9  -

            """)
        for line in output.split(separator: "\n") {
            XCTAssertEqual(line.split(separator: " ").count, 6, "every line splits into the same fields: \(line)")
        }
    }

    func testListOnATerminalIsColouredWithShortHashes() {
        let view = PaymentListView(style: terminal, showAtomic: true, now: Samples.now)
        XCTAssertEqual(view.render([Samples.payment(status: .confirmationFailed)]), """
            ID                                    STATUS                 AGE   USDC  ATOMIC  PAYER        TX
            0b6f1c5e-3f0a-4d7e-9a43-2f1d9c1e7b55  \u{1B}[31mconfirmation_failed\u{1B}[0m  2m13s  0.001    1000  0x2D4C…71a9  0x1f1f…1f1f

            """)
        XCTAssertEqual(view.render([]), "no payments match\n")
    }

    func testStatusShowsEveryFieldAndTheMintJobs() {
        let view = PaymentDetailView(style: .plain, showAtomic: true, now: Samples.now)
        XCTAssertEqual(view.render(Samples.payment()), """
            payment          0b6f1c5e-3f0a-4d7e-9a43-2f1d9c1e7b55
            status           completed
            type             mint
            amount           0.001 (1000) USDC
            payer            0x2D4C407BBe49438ED859fe965b140dcF1aaB71a9
            payment token    0x7E7e80Cd84Fb43f5FD2E92F1edD827c307e0AE6F
            token            0x5d1e6247C95aFbF428767D4456dAF8eD0eD76084
            created          2025-11-24T16:00:00.000Z (2m13s ago)
            processed        2025-11-24T16:00:04.000Z (2m09s ago)
            tx               \(Samples.tx)
            signer           0x1111111111111111111111111111111111111111 nonce 42
            confirmed block  1234
            attempts         \(Samples.tx)
            metadata         {"quantity":1}

            MINT  STATUS     RECIPIENT                                   TX                                                                  ERROR
               0  completed  0x2D4C407BBe49438ED859fe965b140dcF1aaB71a9  0x\(String(repeating: "2e", count: 32))  -

            """)
    }

    func testAPaymentOwedARefundSaysHowMuchAndWhatToDoAndARecordedRefundShowsItsTransaction() {
        let view = PaymentDetailView(style: .plain, showAtomic: true, now: Samples.now)
        var owed = Samples.payment()
        owed.refundDue = "1000"
        let due = view.render(owed)
        XCTAssertTrue(due.contains("refund           DUE: 0.001 (1000) USDC (charged, mints failed: payctl retry-mint, or pay back and payctl refund)"), due)
        var refunded = Samples.payment()
        refunded.refundTxHash = Samples.tx
        refunded.refundAmount = "1000"
        let paid = view.render(refunded)
        XCTAssertTrue(paid.contains("refund           \(Samples.tx) (0.001 (1000) USDC paid back)"), paid)
        XCTAssertFalse(view.render(Samples.payment()).contains("refund"))
    }

    func testStatsSummariseQueueRatesSignersAndEndpoints() {
        XCTAssertEqual(StatsView(style: .plain).render(Samples.stats), """
            payments     pending 3  processing 0  sent 1  completed 998  failed 0  confirmation_failed 2
            queue        depth 3, oldest pending 1.5s, oldest sent 4s
            rates        confirmation 99.8%, average processing 4.2s
            mints        pending 0  processing 0  completed 998  failed 1
            settlements  lost 0, restoring 1
            refunds      0 due

            SIGNER                                      ROLE     NEXT NONCE  MINED  IN FLIGHT  BALANCE ETH  STATE
            0x1111111111111111111111111111111111111111  payment        1002   1001          1          2.5  sending
            0x2222222222222222222222222222222222222222  mint             40     40          0            -  paused: insufficient funds for gas

            RPC ENDPOINT           HEALTH   IN USE  FAILURES  LAST ERROR
            http://127.0.0.1:8545  healthy  yes            0  -

            """)
    }

    func testWatchEventsArePlainLinesOrJSONLines() {
        let event = PaymentEvent(paymentID: "0b6f1c5e-3f0a-4d7e-9a43-2f1d9c1e7b55", status: .sent, txHash: Samples.tx, error: nil, at: Samples.created)
        XCTAssertEqual(WatchEventText.line(event), "2025-11-24T16:00:00.000Z  0b6f1c5e-3f0a-4d7e-9a43-2f1d9c1e7b55  sent  \(Samples.tx)\n")
        let failed = PaymentEvent(paymentID: event.paymentID, status: .failed, txHash: nil, error: "cancelled by operator", at: Samples.created)
        XCTAssertEqual(WatchEventText.line(failed), "2025-11-24T16:00:00.000Z  0b6f1c5e-3f0a-4d7e-9a43-2f1d9c1e7b55  failed  -  cancelled by operator\n")
        XCTAssertEqual(WatchEventText.json(event), """
            {"at":"2025-11-24T16:00:00.000Z","error":null,"event":"payment","payment_id":"0b6f1c5e-3f0a-4d7e-9a43-2f1d9c1e7b55","status":"sent","tx_hash":"\(Samples.tx)"}

            """)
    }

    func testTheLiveViewShowsCountsRatesLanesAndTheLastEvents() {
        var state = LiveWatchState(eventsShown: 2)
        for (offset, status) in [PaymentStatus.pending, .sent, .completed].enumerated() {
            state.record(PaymentEvent(paymentID: "0b6f1c5e-3f0a-4d7e-9a43-2f1d9c1e7b55", status: status, txHash: nil, error: nil,
                                      at: Samples.created.addingTimeInterval(Double(offset))), receivedAt: Samples.now.addingTimeInterval(-90 + Double(offset) * 40))
        }
        state.update(Samples.stats)
        let frame = LiveWatchView(style: .plain, socketPath: "/run/paymentd/paymentd.sock").render(&state, now: Samples.now)
        XCTAssertEqual(frame, """
            paymentd watch  /run/paymentd/paymentd.sock  2025-11-24T16:02:13.000Z  (Ctrl-C quits)

            last minute   enqueued 0  sent 1  completed 1  failed 0  confirmation_failed 0
            payments      pending 3  processing 0  sent 1  completed 998  failed 0  confirmation_failed 2
            queue         depth 3, oldest pending 1.5s, oldest sent 4s
            confirmation  99.8%, average processing 4.2s

            SIGNER                                      ROLE     NEXT NONCE  IN FLIGHT  STATE
            0x1111111111111111111111111111111111111111  payment        1002          1  sending
            0x2222222222222222222222222222222222222222  mint             40          0  paused: insufficient funds for gas

            last events
            2025-11-24T16:00:02.000Z  0b6f1c5e-3f0a-4d7e-9a43-2f1d9c1e7b55  completed  -
            2025-11-24T16:00:01.000Z  0b6f1c5e-3f0a-4d7e-9a43-2f1d9c1e7b55  sent  -

            """, "the enqueue 90 s ago is out of the last minute; only the 2 newest events are listed, newest first")
    }

    func testProgressShowsRateAndETAAndEndsWithASummary() {
        XCTAssertEqual(ProgressBar.render(done: 250, total: 1000, elapsedSeconds: 0.5, width: 20),
                       "[#####---------------]  250/1000  25%  500/s  ETA 1.5s")
        XCTAssertEqual(ProgressBar.render(done: 0, total: 1000, elapsedSeconds: 0, width: 4), "[----]  0/1000  0%")
        var lines = ProgressLines(total: 1000)
        let written = (1...1000).compactMap { lines.line(done: $0, elapsedSeconds: Double($0) / 100) }
        XCTAssertEqual(written.count, 10, "one line per tenth")
        XCTAssertEqual(written.first, "progress: 100/1000  10%  100/s  ETA 9s\n")
        XCTAssertEqual(written.last, "progress: 1000/1000  100%  100/s  ETA 0s\n")
    }
}
