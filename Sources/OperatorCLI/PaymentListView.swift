import Foundation
import PaymentModel

/// `payctl list` for people: one payment per line, newest first, as the daemon returned them.
/// Columns: id, status (coloured on a terminal), age since it was created, amount in USDC
/// units (atomic beside it with `--atomic`), payer, and the settling transaction.
public struct PaymentListView: Sendable {
    public var style: TerminalStyle
    public var showAtomic: Bool
    public var now: Date

    public init(style: TerminalStyle, showAtomic: Bool, now: Date = Date()) {
        self.style = style
        self.showAtomic = showAtomic
        self.now = now
    }

    public func render(_ payments: [PaymentSnapshot]) -> String {
        guard !payments.isEmpty else { return "no payments match\n" }
        var table = TextTable(headers: ["PAYMENT ID", "STATUS", "AGE", showAtomic ? "AMOUNT USDC (ATOMIC)" : "AMOUNT USDC", "PAYER", "TX"],
                              alignments: [.left, .left, .right, .right, .left, .left])
        for payment in payments {
            var status = style.status(payment.status)
            if payment.settlementLost != nil { status += style.paint("(lost)", .red) }
            if payment.restoring { status += style.paint("(restoring)", .yellow) }
            table.append([
                payment.paymentID,
                status,
                DurationText.format(now.timeIntervalSince(payment.createdAt)),
                TokenAmount.display(payment.amount, showAtomic: showAtomic),
                HashText.show(payment.payer, style: style),
                HashText.show(payment.txHash, style: style),
            ])
        }
        return table.render()
    }
}
