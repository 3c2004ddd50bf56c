import Ethereum

/// Notices a signer whose mined nonce count stands still while its transactions wait above it
/// and none of the unsettled payments holds the nonce it is stuck at: a gap no rebroadcast of
/// theirs can fill (a filler lost with the node's pool, a nonce given back by a write that
/// failed, a completed payment's transaction reorged out). The send loop is asked to look: it
/// broadcasts the bytes recorded at that nonce, or fills the nonce if nothing holds it.
struct NonceStallWatch: Sendable {
    private var since: [Address: (mined: UInt64, at: ContinuousClock.Instant)] = [:]

    /// Records this tick's mined counts; returns the (signer, stuck nonce) pairs that have stood
    /// still for `patience` with `waiting` slots above and none at the stuck nonce. A reported
    /// stall is watched afresh from now.
    mutating func observe(mined: [Address: UInt64], waiting: [(signer: Address, nonce: UInt64)], now: ContinuousClock.Instant,
                          patience: Duration) -> [(signer: Address, nonce: UInt64)] {
        var suspects: [(signer: Address, nonce: UInt64)] = []
        for (signer, count) in mined {
            guard let previous = since[signer], previous.mined == count else {
                since[signer] = (count, now)
                continue
            }
            guard now - previous.at > patience else { continue }
            let held = Set(waiting.filter { $0.signer == signer }.map(\.nonce))
            if held.contains(where: { $0 > count }) && !held.contains(count) {
                suspects.append((signer, count))
                since[signer] = (count, now)
            }
        }
        return suspects
    }
}
