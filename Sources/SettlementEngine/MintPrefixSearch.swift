/// Finds how many of a batch's oldest jobs can be minted together when the whole batch would
/// revert but no job alone does (a token with room for fewer items than the batch holds): each
/// probe halves the range between a prefix known to run and one known to revert, so a batch
/// of n costs about log2(n) simulations. Before, such a batch was kept whole, reverted every
/// iteration and wedged all minting (issue 16, scenario 7).
///
/// A value type apart from the node: the mint loop asks `probe`, simulates that prefix, and
/// reports with `record`; `found` is the answer once `probe` is nil.
struct MintPrefixSearch: Sendable, Equatable {
    /// The longest prefix known to run (1: every job alone runs, which is why the search started).
    private(set) var runs: Int
    /// The shortest prefix known to revert (the whole batch, at the start).
    private(set) var reverts: Int

    /// A search over a batch of `count` jobs whose whole batch reverts and whose each job runs alone.
    init(count: Int) {
        precondition(count >= 2, "a batch of one that reverts is a job that reverts alone")
        runs = 1
        reverts = count
    }

    /// The next prefix length to simulate, or nil when the answer is known.
    var probe: Int? {
        reverts - runs > 1 ? runs + (reverts - runs) / 2 : nil
    }

    /// A simulation of the first `length` jobs ran (`true`) or reverted.
    mutating func record(_ length: Int, runs didRun: Bool) {
        if didRun { runs = max(runs, length) } else { reverts = min(reverts, length) }
    }

    /// The longest prefix that runs, once `probe` is nil.
    var found: Int { runs }
}
