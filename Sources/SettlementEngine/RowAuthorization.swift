import Ethereum
import PaymentStore

/// A row's authorization and relay fields as typed values, parsed once per loop iteration.
///
/// Rows are stored as the replaced system stored them (text); the loops compute with addresses,
/// amounts and nonces. A row whose authorization cannot be read (a legacy row of another shape)
/// has no `RowAuthorization`: it can settle only by a receipt of its own transaction.
struct RowAuthorization: Sendable, Hashable {
    let token: Address
    let transfer: TransferWithAuthorization

    init?(_ row: PaymentRow) {
        guard let auth = row.authorization, let token = try? Address(hex: row.paymentTokenAddress),
              let from = try? Address(hex: auth.from), let to = try? Address(hex: auth.to),
              let value = UInt256(decimal: auth.value), let validAfter = UInt256(decimal: auth.validAfter),
              let validBefore = UInt256(decimal: auth.validBefore), let nonce = try? Bytes32(hex: auth.nonce) else { return nil }
        self.token = token
        transfer = TransferWithAuthorization(from: from, to: to, value: value, validAfter: validAfter, validBefore: validBefore, nonce: nonce)
    }

    /// The deadline in unix seconds, saturated.
    var validBefore: UInt64 { transfer.validBefore.uint64Value ?? .max }
}

extension PaymentRow {
    /// The signer and nonce this row's transactions use, once assigned.
    var relaySlot: (signer: Address, nonce: UInt64)? {
        guard let text = signer, let address = try? Address(hex: text), let nonce, nonce >= 0 else { return nil }
        return (address, UInt64(nonce))
    }
}
