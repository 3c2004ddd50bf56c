/// The command names of protocol version 1, spelled as they appear in `cmd`.
public enum CommandName: String, Sendable, CaseIterable, Hashable {
    case enqueue, status, stats, stop, ping, version, list, retry, cancel, settings, watch, prices, refund
    case retryMint = "retry_mint"
}
