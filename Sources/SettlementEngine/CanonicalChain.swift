import ChainClient
import Ethereum

/// The canonical block hashes of the newest heights, kept linked (each header's `parentHash`
/// is the hash tracked one height below), so a reorg anywhere in the window is noticed with a
/// header lookup or two per tick instead of one lookup per settlement being watched.
///
/// A value-type state machine: the reorg watcher fetches headers and hands them to `absorb`,
/// which says whether they extend what is tracked, replace part of it (a reorg: heights from
/// the fork point on changed), or need older headers to find where they join.
struct CanonicalChain: Sendable, Equatable {
    /// Most heights tracked; older ones are forgotten (they are final, or checked directly).
    let capacity: UInt64
    private(set) var hashes: [UInt64: Bytes32] = [:]
    private(set) var low: UInt64?
    private(set) var high: UInt64?

    init(capacity: UInt64) {
        precondition(capacity > 0, "a canonical chain window needs at least one height")
        self.capacity = capacity
    }

    enum Absorbed: Sendable, Equatable {
        /// The headers extend (or confirm) what was tracked; `replacedFrom` is the lowest height
        /// whose hash changed or that no longer exists (a reorg), nil when nothing did.
        case linked(replacedFrom: UInt64?)
        /// The lowest header does not join the tracked chain: fetch from further down.
        case needsOlder
        /// The headers do not link among themselves (the node reorged between answers): try
        /// again next tick.
        case inconsistent
        /// The head is below what is tracked and every header agrees with it: a node behind the
        /// others (failover to a lagging endpoint, a load-balanced provider), not a reorg. The
        /// window is left as it was; nothing can be decided against this head.
        case behind
    }

    /// Takes headers of consecutive heights, ascending, the last one being the node's head.
    mutating func absorb(_ headers: [BlockHeader]) -> Absorbed {
        guard let first = headers.first, let last = headers.last else { return .linked(replacedFrom: nil) }
        for (below, above) in zip(headers, headers.dropFirst()) where above.number != below.number + 1 || above.parentHash != below.hash {
            return .inconsistent
        }
        guard let low, let high else {
            replace(with: headers)
            return .linked(replacedFrom: nil)
        }
        if first.number > high + 1 {
            // Not adjacent to anything tracked (the watcher fell far behind): start over.
            replace(with: headers)
            return .linked(replacedFrom: nil)
        }
        if first.number > low {
            guard hashes[first.number - 1] == first.parentHash else { return .needsOlder }
        }
        // `first` joins the tracked chain, or reaches down to its lowest height (below which
        // nothing can be compared): the heights the headers cover are compared one by one.
        var replacedFrom: UInt64?
        for header in headers where header.number >= low && header.number <= high && hashes[header.number] != header.hash {
            replacedFrom = min(replacedFrom ?? header.number, header.number)
        }
        if last.number < high {
            // A shorter head is a reorg only with a header that disagrees (found above);
            // otherwise the node answering is behind, and heights above it are not gone.
            guard replacedFrom != nil else { return .behind }
            // The chain is shorter than it was, on another fork: heights above the head are gone.
            replacedFrom = min(replacedFrom ?? (last.number + 1), last.number + 1)
            for height in (last.number + 1)...high { hashes[height] = nil }
        }
        for header in headers { hashes[header.number] = header.hash }
        self.low = min(low, first.number)
        self.high = last.number
        trim()
        return .linked(replacedFrom: replacedFrom)
    }

    /// Whether the block recorded at `number` with `hash` is on the tracked chain; nil when the
    /// height is not tracked (older than the window, or above the head).
    func contains(number: UInt64, hash: Bytes32) -> Bool? {
        guard let tracked = hashes[number] else { return nil }
        return tracked == hash
    }

    private mutating func replace(with headers: [BlockHeader]) {
        hashes = [:]
        for header in headers { hashes[header.number] = header.hash }
        low = headers.first?.number
        high = headers.last?.number
        trim()
    }

    private mutating func trim() {
        guard let low, let high, high - low + 1 > capacity else { return }
        let newLow = high - capacity + 1
        for height in low..<newLow { hashes[height] = nil }
        self.low = newLow
    }
}
