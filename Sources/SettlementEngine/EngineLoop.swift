import Logging
import ServiceLifecycle

/// The one shape of the engine's three loops (send, confirm, mint): run an iteration, stamp
/// the loop's heartbeat when it ends (an idle one counts: that is what the watchdog checks),
/// start the next at once when the iteration had more work, otherwise wait idle; after a
/// failed iteration wait the one backoff policy (`RetryBackoff`) and run the loop's recovery
/// step before trying again.
///
/// As a `Service` it belongs to the daemon's `ServiceGroup`: graceful shutdown cancels it,
/// and the iteration in progress finishes its database writes (they run on threads of their
/// own and are not interrupted by cancellation); the loop then stops.
struct EngineLoop: Service, CustomStringConvertible {
    let loop: LoopHeartbeats.Loop
    let engine: SettlementEngine
    /// What to do between iterations when the last one had no more work.
    let idle: @Sendable (EngineSettings) async -> Void
    /// Run before the first iteration that follows a failed one (the send loop rebuilds its
    /// nonce lanes: a failed commit leaves them unsure).
    let recover: @Sendable () async throws -> Void
    /// One iteration; returns whether more work is waiting (then the next starts at once).
    let iteration: @Sendable (EngineSettings) async throws -> Bool
    /// Run once the loop has stopped (the lease keeper gives its leases back).
    var finish: @Sendable () async -> Void = {}

    var description: String { "\(loop.rawValue) loop" }

    func run() async {
        await cancelWhenGracefulShutdown { await self.runUntilCancelled() }
    }

    func runUntilCancelled() async {
        var backoff = RetryBackoff()
        while !Task.isCancelled {
            let settings = engine.settings.current
            do {
                if backoff.failures > 0 { try await recover() }
                let busy = try await iteration(settings)
                backoff.reset()
                engine.heartbeats.beat(loop)
                if Task.isCancelled { break }
                if !busy { await idle(settings) }
            } catch {
                let delay = backoff.failed()
                engine.logger.error("\(loop.rawValue) iteration failed", metadata: ["error": "\(error)", "consecutive": "\(backoff.failures)"])
                if Task.isCancelled { break }
                try? await Task.sleep(for: delay)
            }
        }
        await finish()
    }
}
