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

/// All lanes of one role, shared between the loop that signs and the loop that confirms.
actor SignerLanes {
    private var lanes: [NonceLane]
    private var cursor = 0
    /// Nonces the confirmer suspects are gaps, for the sender to check and release.
    private var suspects: [(signer: Address, nonce: UInt64)] = []

    init(_ lanes: [NonceLane]) {
        self.lanes = lanes
    }

    var addresses: [Address] { lanes.map(\.address) }
    var keys: [PrivateKey] { lanes.map(\.key) }
    var snapshot: [SignerState] { lanes.map(\.state) }
    var allPaused: Bool { lanes.allSatisfy { $0.pausedReason != nil } }

    /// Assigns up to `count` nonces, spreading them round-robin over unpaused lanes with room
    /// (fewer than `maxInFlight` unconfirmed). Returns (key, nonce) pairs in assignment order.
    func reserve(count: Int, maxInFlight: Int) -> [(key: PrivateKey, nonce: UInt64)] {
        var assigned: [(key: PrivateKey, nonce: UInt64)] = []
        guard !lanes.isEmpty else { return assigned }
        var idleRounds = 0
        while assigned.count < count && idleRounds < lanes.count {
            let index = cursor % lanes.count
            cursor += 1
            if lanes[index].pausedReason == nil && lanes[index].inFlight < maxInFlight {
                assigned.append((lanes[index].key, lanes[index].take()))
                lanes[index].inFlight += 1
                idleRounds = 0
            } else {
                idleRounds += 1
            }
        }
        return assigned
    }

    /// Makes spent-looking nonces holes again without touching the in-flight count (their
    /// transactions were never counted in flight, or were already).
    func releaseGaps(_ items: [(signer: Address, nonce: UInt64)]) {
        for item in items.sorted(by: { $0.nonce > $1.nonce }) {
            guard let index = lanes.firstIndex(where: { $0.address == item.signer }) else { continue }
            lanes[index].release(item.nonce)
        }
    }

    /// Gives nonces back (their transactions reached no pool).
    func release(_ items: [(signer: Address, nonce: UInt64)]) {
        // Highest first, so trailing holes collapse into `next`.
        for item in items.sorted(by: { $0.nonce > $1.nonce }) {
            guard let index = lanes.firstIndex(where: { $0.address == item.signer }) else { continue }
            lanes[index].release(item.nonce)
            lanes[index].inFlight = max(0, lanes[index].inFlight - 1)
        }
    }

    func pause(_ signer: Address, reason: String) {
        guard let index = lanes.firstIndex(where: { $0.address == signer }) else { return }
        lanes[index].pausedReason = reason
    }

    func resume(_ signer: Address) {
        guard let index = lanes.firstIndex(where: { $0.address == signer }) else { return }
        lanes[index].pausedReason = nil
    }

    func pausedSigners() -> [Address] {
        lanes.filter { $0.pausedReason != nil }.map(\.address)
    }

    func resynchronise(_ signer: Address, next: UInt64, holes: [UInt64], minedNonce: UInt64, inFlight: Int) {
        guard let index = lanes.firstIndex(where: { $0.address == signer }) else { return }
        lanes[index].resynchronise(next: next, holes: holes, minedNonce: minedNonce)
        lanes[index].inFlight = inFlight
    }

    /// Records what the chain says was mined. A mined count beyond `next` means another
    /// process used this key: the lane skips past it rather than reusing spent nonces.
    func update(minedNonces: [Address: UInt64], inFlight: [Address: Int]) {
        for index in lanes.indices {
            if let mined = minedNonces[lanes[index].address] {
                lanes[index].minedNonce = mined
                lanes[index].skip(below: mined)
            }
            lanes[index].inFlight = inFlight[lanes[index].address] ?? 0
        }
    }

    /// The confirmer saw `signer`'s mined count stall at `nonce` with later transactions waiting
    /// and no row holding `nonce`. Only the sender may release it (it alone hands nonces out, so
    /// only at the start of its iteration is no reservation in flight).
    func suspectGap(_ signer: Address, nonce: UInt64) {
        guard !suspects.contains(where: { $0.signer == signer && $0.nonce == nonce }) else { return }
        suspects.append((signer, nonce))
    }

    func takeSuspectedGaps() -> [(signer: Address, nonce: UInt64)] {
        defer { suspects.removeAll() }
        return suspects
    }

    /// Holes now taken by filler transactions.
    func markFilled(_ signer: Address, nonces: [UInt64]) {
        guard let index = lanes.firstIndex(where: { $0.address == signer }) else { return }
        lanes[index].fill(nonces)
    }

    func holes(of signer: Address) -> [UInt64] {
        lanes.first { $0.address == signer }?.holes ?? []
    }

    func key(for signer: Address) -> PrivateKey? {
        lanes.first { $0.address == signer }?.key
    }
}
