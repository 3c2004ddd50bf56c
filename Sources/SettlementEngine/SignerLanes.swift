import Ethereum
import PaymentModel

/// All lanes of one role, shared between the loop that signs and the loop that confirms.
actor SignerLanes {
    private var lanes: [NonceLane]
    private var cursor = 0
    /// Nonces the confirmer suspects are gaps, for the sender to check and release.
    private var suspects: [(signer: Address, nonce: UInt64)] = []

    init(_ lanes: [NonceLane]) {
        self.lanes = lanes
    }

    /// Every lane's signer, leased here or not.
    var addresses: [Address] { lanes.map(\.address) }
    /// The signers whose lanes this instance holds the lease of.
    var leasedAddresses: [Address] { lanes.filter(\.leased).map(\.address) }
    var leasedKeys: [PrivateKey] { lanes.filter(\.leased).map(\.key) }
    var snapshot: [SignerState] { lanes.map(\.state) }
    /// No lane can send: every one is paused or not leased here.
    var allPaused: Bool { lanes.allSatisfy { $0.pausedReason != nil || !$0.leased } }

    func setLeased(_ signer: Address, _ leased: Bool) {
        guard let index = lanes.firstIndex(where: { $0.address == signer }) else { return }
        lanes[index].leased = leased
    }

    func isLeased(_ signer: Address) -> Bool {
        lanes.first { $0.address == signer }?.leased ?? false
    }

    /// Assigns up to `count` nonces, spreading them round-robin over leased, unpaused lanes with room
    /// (fewer than `maxInFlight` unconfirmed). Returns (key, nonce) pairs in assignment order.
    func reserve(count: Int, maxInFlight: Int) -> [(key: PrivateKey, nonce: UInt64)] {
        var assigned: [(key: PrivateKey, nonce: UInt64)] = []
        guard !lanes.isEmpty else { return assigned }
        var idleRounds = 0
        while assigned.count < count && idleRounds < lanes.count {
            let index = cursor % lanes.count
            cursor += 1
            if lanes[index].leased && lanes[index].pausedReason == nil && lanes[index].inFlight < maxInFlight {
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
