import Ethereum
import PaymentStore

/// The mint loop's decisions for one claimed set of jobs, apart from its I/O: each job judged
/// on its own, so one job that can never be minted (a legacy row with a malformed hash, a
/// token address that is not a mint contract) fails alone with its reason instead of stopping
/// every mint behind it.
///
/// One batch carries one token's jobs: the oldest well-formed job's token; other tokens' jobs
/// wait for the next iteration untouched.
struct MintBatchPlan: Sendable {
    struct Candidate: Sendable {
        let job: MintJobRow
        let recipient: Address
        let hash: Bytes32
    }

    private(set) var token: Address?
    /// Well-formed jobs of `token`, before `hasMinted` was asked.
    private(set) var candidates: [Candidate] = []
    /// Jobs to put in the batch.
    private(set) var todo: [Candidate] = []
    /// Jobs the contract already minted (an earlier batch whose answer was lost, say): done.
    private(set) var alreadyMinted: [String] = []
    /// Jobs that can never be minted as they are: failed with their reason.
    private(set) var unmintable: [(id: String, error: String)] = []
    /// Jobs whose own mint reverts: an attempt counts against them.
    private(set) var reverting: [(id: String, error: String)] = []

    init(jobs: [MintJobRow]) {
        for job in jobs {
            guard let jobToken = try? Address(hex: job.tokenAddress) else {
                unmintable.append((job.id, "the job's token address \(job.tokenAddress) is not an address"))
                continue
            }
            guard let hash = try? Bytes32(hex: job.dedupeHash) else {
                unmintable.append((job.id, "the job's dedupe hash \(job.dedupeHash) is not 32 bytes of hex"))
                continue
            }
            guard let recipient = try? Address(hex: job.recipient) else {
                unmintable.append((job.id, "the job's recipient \(job.recipient) is not an address"))
                continue
            }
            if token == nil { token = jobToken }
            if jobToken == token { candidates.append(Candidate(job: job, recipient: recipient, hash: hash)) }
        }
    }

    /// Takes the contract's `hasMinted` answer for each candidate, in order (nil: no bool came back).
    mutating func judge(minted: [Bool?]) {
        for (candidate, answer) in zip(candidates, minted) {
            switch answer {
            case true?: alreadyMinted.append(candidate.job.id)
            case false?: todo.append(candidate)
            case nil:
                unmintable.append((candidate.job.id, "\(token?.checksummed ?? "the token") does not answer hasMinted(bytes32) with a bool: "
                                   + "it is not a mint contract (check mint_tokens)"))
            }
        }
    }

    /// Leaves out the jobs whose own mint reverts (id → the node's reason).
    mutating func leaveOut(_ reasons: [String: String]) {
        reverting += todo.compactMap { candidate in reasons[candidate.job.id].map { (candidate.job.id, $0) } }
        todo.removeAll { reasons[$0.job.id] != nil }
    }

    /// Keeps the oldest `count` jobs in the batch; the others wait, untouched, for the next one.
    mutating func keepOldest(_ count: Int) {
        todo = Array(todo.prefix(count))
    }

    func calldata(_ candidates: [Candidate]) -> [UInt8] {
        MintContractCalldata.batchMint(recipients: candidates.map(\.recipient), txHashes: candidates.map(\.hash))
    }
}
