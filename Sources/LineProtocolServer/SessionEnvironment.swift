import NIOCore

/// What every connection session shares with the server: the dispatcher, the policy and
/// limits, the registry (for the draining flag) and the way to ask for a stop.
struct SessionEnvironment: Sendable {
    let dispatcher: CommandDispatcher
    let adminPolicy: AdminPolicy
    let registry: ConnectionRegistry
    let maximumLineBytes: Int
    let maximumPipelinedRequests: Int
    let watchWriteTimeout: TimeAmount
    let requestStop: @Sendable () -> Void
}
