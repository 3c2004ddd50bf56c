import Foundation
import LineProtocolCodec
import PaymentModel

/// `payctl status ID` for people: every field of one payment on its own line (hashes in
/// full: this is where an operator copies them from), then its mint jobs as a table.
public struct PaymentDetailView: Sendable {
    public var style: TerminalStyle
    public var showAtomic: Bool
    public var now: Date

    public init(style: TerminalStyle, showAtomic: Bool, now: Date = Date()) {
        self.style = style
        self.showAtomic = showAtomic
        self.now = now
    }

    public func render(_ payment: PaymentSnapshot) -> String {
        var fields = TextTable(headers: ["payment", payment.paymentID])
        var status = style.status(payment.status)
        if payment.restoring { status += " " + style.paint("(restoring after a reorg)", .yellow) }
        fields.append(["status", status])
        if let lost = payment.settlementLost { fields.append(["settlement", style.paint("LOST: \(lost)", .red)]) }
        if let due = payment.refundDue {
            fields.append(["refund", style.paint("DUE: \(TokenAmount.display(due, showAtomic: showAtomic)) USDC (charged, mints failed: "
                                                 + "payctl retry-mint, or pay back and payctl refund)", .red)])
        }
        if let refund = payment.refundTxHash {
            fields.append(["refund", "\(refund) (\(TokenAmount.display(payment.refundAmount ?? "0", showAtomic: showAtomic)) USDC paid back)"])
        }
        fields.append(["type", payment.type.rawValue])
        fields.append(["amount", TokenAmount.display(payment.amount, showAtomic: showAtomic) + " USDC"])
        fields.append(["payer", payment.payer])
        fields.append(["payment token", payment.paymentToken])
        fields.append(["token", payment.token ?? ""])
        fields.append(["created", time(payment.createdAt)])
        fields.append(["processed", payment.processedAt.map(time) ?? ""])
        fields.append(["tx", payment.txHash ?? ""])
        fields.append(["signer", payment.signer.map { signer in payment.nonce.map { "\(signer) nonce \($0)" } ?? signer } ?? ""])
        fields.append(["confirmed block", payment.confirmedBlock.map { "\($0)" + (payment.finalized ? " (final)" : "") } ?? ""])
        if let error = payment.error { fields.append(["error", style.paint(error, .red)]) }
        for (index, attempt) in payment.attempts.enumerated() {
            fields.append([index == 0 ? "attempts" : "", attempt])
        }
        if let metadata = payment.metadata, metadata != .null, metadata != .object([:]) {
            fields.append(["metadata", JSONWriterText.compact(metadata)])
        }
        var output = fields.render()
        guard !payment.mints.isEmpty else { return output }
        var mints = TextTable(headers: ["MINT", "STATUS", "RECIPIENT", "TX", "ERROR"], alignments: [.right, .left, .left, .left, .left])
        for mint in payment.mints {
            mints.append([String(mint.index), style.mintStatus(mint.status), HashText.show(mint.recipient, style: style),
                          HashText.show(mint.txHash, style: style), mint.error ?? ""])
        }
        output += "\n" + mints.render()
        return output
    }

    private func time(_ date: Date) -> String {
        "\(RFC3339Time.format(date)) (\(DurationText.format(now.timeIntervalSince(date))) ago)"
    }
}
