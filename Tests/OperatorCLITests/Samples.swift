import Foundation
import PaymentModel

/// Fixed payments, stats and events for pinning the views.
enum Samples {
    static let now = Date(timeIntervalSince1970: 1_764_000_133)
    static let created = Date(timeIntervalSince1970: 1_764_000_000)
    static let payer = "0x2D4C407BBe49438ED859fe965b140dcF1aaB71a9"
    static let usdc = "0x7E7e80Cd84Fb43f5FD2E92F1edD827c307e0AE6F"
    static let token = "0x5d1e6247C95aFbF428767D4456dAF8eD0eD76084"
    static let tx = "0x" + String(repeating: "1f", count: 32)

    static func payment(id: String = "0b6f1c5e-3f0a-4d7e-9a43-2f1d9c1e7b55", status: PaymentStatus = .completed, amount: String = "1000",
                        txHash: String? = tx) -> PaymentSnapshot {
        PaymentSnapshot(paymentID: id, type: .mint, status: status, payer: payer, amount: amount, paymentToken: usdc, token: token,
                        txHash: txHash, error: nil, createdAt: created, processedAt: created.addingTimeInterval(4),
                        metadata: ["quantity": 1], signer: "0x1111111111111111111111111111111111111111", nonce: 42, attempts: txHash.map { [$0] } ?? [],
                        mints: status == .completed ? [MintSnapshot(index: 0, recipient: payer, status: .completed,
                                                                    dedupeHash: "0x" + String(repeating: "aa", count: 32),
                                                                    txHash: "0x" + String(repeating: "2e", count: 32), error: nil)] : [],
                        confirmedBlock: status == .completed ? 1234 : nil, finalized: false)
    }

    static let stats = PaymentStats(
        counts: [.pending: 3, .sent: 1, .completed: 998, .confirmationFailed: 2], queueDepth: 3, oldestPendingAgeSeconds: 1.5,
        oldestSentAgeSeconds: 4, confirmationRate: 0.998, averageProcessingSeconds: 4.24, mintCounts: [.completed: 998, .failed: 1],
        signers: [
            SignerState(address: "0x1111111111111111111111111111111111111111", role: .payment, nextNonce: 1002, minedNonce: 1001, inFlight: 1,
                        pausedReason: nil, balanceWei: "2500000000000000000", transactionCostWei: "75000000000000"),
            SignerState(address: "0x2222222222222222222222222222222222222222", role: .mint, nextNonce: 40, minedNonce: 40, inFlight: 0,
                        pausedReason: "insufficient funds for gas"),
        ],
        rpcEndpoints: [RPCEndpointState(url: "http://127.0.0.1:8545", inUse: true, health: .healthy, consecutiveFailures: 0, retryInSeconds: nil, lastError: nil)],
        settlementsLost: 0, settlementsRestoring: 1)
}
