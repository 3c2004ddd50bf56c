import Foundation
import PaymentModel

/// `payctl list` for people: one payment per line, newest first, as the daemon returned them.
/// Columns: id, status (coloured on a terminal), age since it was created, amount in USDC
/// units (and a column of atomic units with `--atomic`), payer, and the settling transaction.
/// Headers are single words and empty cells `-`, so a piped table splits into the same
/// fields on every line.
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
        var headers = ["ID", "STATUS", "AGE", "USDC"]
        var alignments: [TextTable.Alignment] = [.left, .left, .right, .right]
        if showAtomic {
            headers.append("ATOMIC")
            alignments.append(.right)
        }
        var table = TextTable(headers: headers + ["PAYER", "TX"], alignments: alignments + [.left, .left])
        for payment in payments {
            var status = style.status(payment.status)
            if payment.settlementLost != nil { status += style.paint("(lost)", .red) }
            if payment.restoring { status += style.paint("(restoring)", .yellow) }
            var row = [payment.paymentID, status, DurationText.format(now.timeIntervalSince(payment.createdAt)), TokenAmount.units(payment.amount)]
            if showAtomic { row.append(payment.amount) }
            table.append(row + [HashText.show(payment.payer, style: style), HashText.show(payment.txHash, style: style)])
        }
        return table.render()
    }
}
