import ChainClient
import Ethereum
import Foundation
import PaymentModel
import PaymentStore
@testable import SettlementEngine

/// Rows, receipts and facts built by hand, so the planners are exercised without a database or
/// a chain: every log a real token would emit is written out here, in FiatToken's order.
enum Fixtures {
    static let usdc = address(0xC0)
    static let receiver = address(0x5D)
    static let payer = address(0xB1)
    static let signer = address(0x51)
    static let mintToken = address(0x70)

    static func address(_ byte: UInt8) -> Address {
        try! Address(bytes: [UInt8](repeating: byte, count: 20))
    }

    static func hash(_ byte: UInt8) -> Bytes32 {
        try! Bytes32(bytes: [UInt8](repeating: byte, count: 32))
    }

    static func transfer(nonce: UInt8 = 1, value: UInt256 = 1_000_000, validBefore: UInt256 = 2_000_000_000) -> TransferWithAuthorization {
        TransferWithAuthorization(from: payer, to: receiver, value: value, validAfter: 0, validBefore: validBefore, nonce: hash(nonce))
    }

    /// A `sent` row relayed at `nonce` of `signer` by transaction `ours`.
    static func sentRow(id: String = "00000000-0000-4000-8000-000000000001", transfer: TransferWithAuthorization = transfer(),
                        ours: Bytes32? = hash(0xA1), nonce: UInt64? = 7, enqueuedBlock: UInt64? = 10, signedAt: Double = 1_000,
                        rawTx: [UInt8]? = [0x02, 0x01]) -> PaymentRow {
        var row = PaymentRow(id: id, status: .sent, token: mintToken, payer: payer, amount: transfer.value, paymentToken: usdc,
                             authorization: payload(transfer), createdAt: Date(timeIntervalSince1970: signedAt))
        if let ours {
            row.txHash = ours
            row.attempts = [TransactionAttempt(hash: ours, nonce: nonce ?? 0, maxFeePerGas: 10, maxPriorityFeePerGas: 1, at: signedAt)]
            row.signer = signer
            row.nonce = nonce
            row.rawTx = rawTx
            row.sentAt = Date(timeIntervalSince1970: signedAt)
        }
        row.enqueuedBlock = enqueuedBlock
        return row
    }

    static func payload(_ transfer: TransferWithAuthorization) -> AuthorizationPayload {
        AuthorizationPayload(from: transfer.from.checksummed, to: transfer.to.checksummed, value: transfer.value.description,
                             validAfter: transfer.validAfter.description, validBefore: transfer.validBefore.description, nonce: transfer.nonce.hex,
                             v: "27", r: hash(0x11).hex, s: hash(0x22).hex)
    }

    static func topic(_ address: Address) -> Bytes32 { EventTopic.address(address) }

    /// The two logs a transferWithAuthorization emits, from `logIndex` on.
    static func settlementLogs(_ transfer: TransferWithAuthorization, to: Address? = nil, value: UInt256? = nil, token: Address = usdc,
                               tx: Bytes32, block: UInt64, logIndex: UInt64) -> [LogEntry] {
        [
            LogEntry(address: token, topics: [EventTopic.authorizationUsed, topic(transfer.from), transfer.nonce], data: [],
                     blockNumber: block, blockHash: hash(UInt8(block % 256)), transactionHash: tx, transactionIndex: 0, logIndex: logIndex,
                     removed: false),
            LogEntry(address: token, topics: [EventTopic.transfer, topic(transfer.from), topic(to ?? transfer.to)],
                     data: ABIWord.uint256(value ?? transfer.value), blockNumber: block, blockHash: hash(UInt8(block % 256)),
                     transactionHash: tx, transactionIndex: 0, logIndex: logIndex + 1, removed: false),
        ]
    }

    static func receipt(_ tx: Bytes32, block: UInt64, succeeded: Bool = true, logs: [LogEntry] = []) -> TransactionReceipt {
        TransactionReceipt(transactionHash: tx, transactionIndex: 0, blockNumber: block, blockHash: hash(UInt8(block % 256)),
                           succeeded: succeeded, gasUsed: 73_000, effectiveGasPrice: 1, from: signer, to: usdc, logs: logs)
    }

    static func header(_ number: UInt64, timestamp: UInt64 = 1_700_000_000, hash blockHash: Bytes32? = nil, parent: Bytes32? = nil) -> BlockHeader {
        BlockHeader(number: number, hash: blockHash ?? hash(UInt8(number % 256)), parentHash: parent ?? hash(UInt8((number &- 1) % 256)),
                    timestamp: timestamp, baseFeePerGas: 1, gasLimit: 30_000_000, gasUsed: 0, transactionHashes: [])
    }

    static func facts(head: UInt64 = 100, now: Double = 2_000, confirmations: Int = 1) -> ConfirmFacts {
        ConfirmFacts(head: header(head), now: now, confirmationsRequired: confirmations, rebroadcastAfterSeconds: 30, feeBumpAfterSeconds: 60)
    }
}
