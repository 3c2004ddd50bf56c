import Foundation
import LineProtocolClient
import PaymentModel
import TestHarness
import XCTest

/// The operations guide's payctl commands (docs/operations.md), run as the guide writes them
/// against a real daemon: the live settings it changes, `list --status sent --older-than 60s`,
/// and the recovery of a failed payment with `retry` (and `retry-mint`'s answer for a payment
/// whose mints did not fail). `OperationsDocTests` names this file for those commands.
final class PayctlGuideCommandsTests: XCTestCase {
    func testTheGuidesSettingsListRetryAndRetryMintCommands() async throws {
        let bed = try await SharedDaemon.testbed()
        let socket = ["--socket", bed.socketPath]
        let client = bed.client()
        let before = Dictionary(try await client.settings().map { ($0.key, $0.value) }, uniquingKeysWith: { first, _ in first })

        // The guide's live settings: each set answers 0 and `settings get` shows the new value.
        let changes = [("payment_batch_size", "50"), ("finality_depth", "120"), ("mint_confirmations", "3"), ("log_level", "debug")]
        for (key, value) in changes {
            let set = try await bed.run("payctl", ["settings", "set", key, value] + socket)
            XCTAssertEqual(set.status, 0, set.description)
        }
        let get = try await bed.run("payctl", ["settings", "get"] + socket)
        XCTAssertEqual(get.status, 0, get.description)
        for (key, value) in changes {
            let line = get.stdout.split(separator: "\n").first { $0.split(separator: " ").first.map(String.init) == key }
            XCTAssertEqual(line?.split(separator: " ").dropFirst().first.map(String.init), value, get.stdout)
        }
        for (key, _) in changes {
            _ = try await client.updateSetting(key: key, value: try XCTUnwrap(before[key], "\(key) had a value before"))
        }

        // A payment held pending by a fee ceiling under the chain's fees: `payctl cancel ID`
        // refuses (its authorization is unused and unexpired: anyone could still settle it) and
        // exits 1, saying why. Then its transaction reverts (out of gas, no retries): failed for
        // now. The cause fixed, `payctl retry ID`: it settles and mints.
        let ceiling = try XCTUnwrap(before["max_fee_per_gas_wei"])
        _ = try await client.updateSetting(key: "max_fee_per_gas_wei", value: "1")
        let payment = try await client.enqueue(try bed.request(buyer: try bed.buyerKey(6), idempotencyKey: "guide-\(UUID().uuidString.prefix(8))"))
        // Not a pause of some length: the send loop has since claimed it and held it back at
        // the ceiling, which it logs each time. Two such lines after the enqueue: the second
        // comes from an iteration that began after it.
        let daemon = try await SharedDaemon.daemon()
        let feeWait = "fees above max_fee_per_gas_wei; waiting"
        let feeWaitsBefore = daemon.log().components(separatedBy: feeWait).count
        try await bed.wait("the send loop to hold the payment back at the fee ceiling", seconds: 60) {
            daemon.log().components(separatedBy: feeWait).count >= feeWaitsBefore + 2
        }
        let held = try await client.status(paymentID: payment.paymentID).status
        XCTAssertEqual(held, .pending, "the fee ceiling holds it")
        let cancel = try await bed.run("payctl", ["cancel", payment.paymentID] + socket)
        XCTAssertEqual(cancel.status, 1, cancel.description)
        XCTAssertTrue(cancel.stderr.hasPrefix("payctl: authorization_still_usable: "), cancel.stderr)
        XCTAssertTrue(cancel.stderr.contains("valid_before"), "the hint says what to wait for: \(cancel.stderr)")
        let notCancelled = try await client.status(paymentID: payment.paymentID).status
        XCTAssertEqual(notCancelled, .pending)
        let revert = [("transfer_gas_limit", "55000"), ("simulate_before_send", "false"), ("revert_retries", "0")]
        for (key, value) in revert { _ = try await client.updateSetting(key: key, value: value) }
        _ = try await client.updateSetting(key: "max_fee_per_gas_wei", value: ceiling)
        try await bed.wait("its transaction to revert", seconds: 60) {
            try await client.status(paymentID: payment.paymentID).status == .confirmationFailed
        }
        for (key, fallback) in [("transfer_gas_limit", "150000"), ("simulate_before_send", "true"), ("revert_retries", "2")] {
            _ = try await client.updateSetting(key: key, value: before[key] ?? fallback)
        }

        let stuck = try await bed.run("payctl", ["list", "--status", "sent", "--older-than", "60s"] + socket)
        XCTAssertEqual(stuck.status, 0, stuck.description)
        XCTAssertFalse(stuck.stdout.contains(payment.paymentID), stuck.stdout)

        let retry = try await bed.run("payctl", ["retry", payment.paymentID] + socket)
        XCTAssertEqual(retry.status, 0, retry.description)
        XCTAssertTrue(retry.stdout.contains(payment.paymentID), retry.stdout)
        try await bed.wait("the retried payment settled and minted") {
            let now = try await client.status(paymentID: payment.paymentID)
            return now.status == .completed && !now.mints.isEmpty && now.mints.allSatisfy { $0.status == .completed }
        }

        // Its mints did not fail: retry-mint refuses, says why, and exits 1.
        let retryMint = try await bed.run("payctl", ["retry-mint", payment.paymentID] + socket)
        XCTAssertEqual(retryMint.status, 1, retryMint.description)
        XCTAssertTrue(retryMint.stderr.hasPrefix("payctl: invalid_transition: "), retryMint.stderr)
        XCTAssertTrue(retryMint.stderr.contains("no failed mint job"), retryMint.stderr)

        // Nor is it owed a refund: not listed, and a refund is refused before the chain is asked.
        let owed = try await bed.run("payctl", ["list", "--refund-due"] + socket)
        XCTAssertEqual(owed.status, 0, owed.description)
        XCTAssertFalse(owed.stdout.contains(payment.paymentID), owed.stdout)
        let settled = try await client.status(paymentID: payment.paymentID)
        let settledBy = try XCTUnwrap(settled.txHash)
        let refund = try await bed.run("payctl", ["refund", payment.paymentID, settledBy] + socket)
        XCTAssertEqual(refund.status, 1, refund.description)
        XCTAssertTrue(refund.stderr.hasPrefix("payctl: refund_not_due: "), refund.stderr)
        // The journal keeps it (issue 21, 2): who asked, what, and how it ended.
        let audit = daemon.log().split(separator: "\n").filter { $0.contains("admin command") && $0.contains("tx_hash=\(settledBy)") }
        XCTAssertEqual(audit.count, 1, "one audit line for the refund: \(audit)")
        for field in ["command=refund", "outcome=refund_not_due", "payment_id=\(payment.paymentID)", "peer_uid=", "peer_pid="] {
            XCTAssertTrue(audit.first?.contains(field) ?? false, "\(field) in \(audit)")
        }
        let badHash = try await bed.run("payctl", ["refund", payment.paymentID, "0x12"] + socket)
        XCTAssertNotEqual(badHash.status, 0)
        XCTAssertTrue(badHash.stderr.contains("64 hex digits"), badHash.stderr)
        await client.close()
    }
}
