import Ethereum
import PaymentModel

/// One hot wallet's nonce sequence: the only place nonces for that wallet come from.
///
/// `next` is the lowest nonce never handed out. A nonce whose transaction is known not to be in
/// any pool (rejected before broadcast, dropped, or taken back) is a *hole* below `next`: left
/// open it would stall every later transaction of the wallet, so holes are handed out again
/// first. A lane can be paused (out of gas money) with a reason that stats report.
struct NonceLane: Sendable {
    let key: PrivateKey
    let role: SignerState.Role
    private(set) var next: UInt64
    private(set) var holes: [UInt64] = []
    var minedNonce: UInt64?
    var inFlight = 0
    var pausedReason: String?
    /// This instance holds the lane's lease (`LeaseKeeper`): only then may it hand out nonces.
    var leased = false

    init(key: PrivateKey, role: SignerState.Role, next: UInt64) {
        self.key = key
        self.role = role
        self.next = next
    }

    var address: Address { key.address }

    /// Hands out the lowest hole, or the next fresh nonce.
    mutating func take() -> UInt64 {
        if !holes.isEmpty { return holes.removeFirst() }
        defer { next += 1 }
        return next
    }

    /// Takes a nonce back: its transaction is in no pool. Trailing holes shrink `next`.
    mutating func release(_ nonce: UInt64) {
        guard nonce < next, !holes.contains(nonce) else { return }
        holes.append(nonce)
        holes.sort()
        while let last = holes.last, last == next - 1 {
            holes.removeLast()
            next -= 1
        }
    }

    /// Nonces below `mined` are spent on-chain: they are no holes, and `next` is at least `mined`.
    mutating func skip(below mined: UInt64) {
        holes.removeAll { $0 < mined }
        if next < mined { next = mined }
    }

    /// Removes holes a filler transaction now occupies.
    mutating func fill(_ nonces: [UInt64]) {
        holes.removeAll { nonces.contains($0) }
    }

    /// Replaces the state with what chain and database agree on (start-up, or after an
    /// ambiguous failure).
    mutating func resynchronise(next: UInt64, holes: [UInt64], minedNonce: UInt64) {
        self.next = next
        self.holes = holes.filter { $0 < next }.sorted()
        self.minedNonce = minedNonce
    }

    var state: SignerState {
        SignerState(address: address.checksummed, role: role, nextNonce: Int64(next),
                    minedNonce: minedNonce.map { Int64($0) }, inFlight: inFlight, pausedReason: pausedReason)
    }
}
