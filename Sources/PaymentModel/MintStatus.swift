/// The states of one mint job (the replaced system's `mint_queue.status` values).
public enum MintStatus: String, Sendable, Codable, CaseIterable, Hashable {
    case pending
    case processing
    case completed
    case failed
}
