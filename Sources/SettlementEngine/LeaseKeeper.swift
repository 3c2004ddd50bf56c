import Ethereum
import Foundation
import Logging
import PaymentStore
import Postgres

/// Keeps this instance's leases (`Leases`): the signer lanes it may sign with and the
/// coordinator's work (the mint loop, the reorg watch, the replaced system's unsigned rows).
/// Several `paymentd` instances on one database share the lanes fairly: each takes up to its
/// share (lanes ÷ live instances, rounded up), gives back what is above it when another
/// instance joins, and takes over the lanes of one that died, within a tick.
///
/// A lane is used only after its nonce state was rebuilt from chain and database
/// (`NonceRecovery`) under the lease, and is taken out of use before its lease is given
/// back. If the lease session breaks, every lease is lost at once and every lane stops: the
/// database's unique (signer, nonce) index is the last guard against two instances recording
/// one nonce, but the lanes do not lean on it.
public actor LeaseKeeper {
    private let session: PostgresSession
    private var heldLanes: Set<Address> = []
    private(set) var isCoordinator = false
    /// The lease session's connection (`PostgresSession.connectionsOpened`) the held locks
    /// were taken on. The session reopens a connection the server closed (a PostgreSQL restart)
    /// without failing a statement, and the locks do not come along: a different number means
    /// every lease is gone.
    private var leaseConnection = 0
    /// Who held what at the end of the last round, for `stats`: reading `pg_locks` and
    /// `pg_stat_activity` costs about 2 ms, too much for every `stats` call.
    private var lastHolders: [String: String]?

    static let coordinator = "coordinator"
    /// How often leases are checked, taken and shared out: a dead instance's lanes move within it.
    public static let interval = Duration.seconds(2)

    /// The keeper as a loop of the engine.
    nonisolated func loop(_ engine: SettlementEngine) -> EngineLoop {
        EngineLoop(loop: .lease, engine: engine, idle: { _ in try? await Task.sleep(for: Self.interval) }, recover: {},
                   iteration: { _ in
                       try await self.refresh(engine)
                       return false
                   },
                   finish: { await self.giveBack(engine) })
    }

    /// At shutdown: stop every lane, then give every lease back at once (closing the lease
    /// session), so another instance can take over without waiting for this process to exit.
    func giveBack(_ engine: SettlementEngine) async {
        for signer in heldLanes { await engine.paymentLanes.setLeased(signer, false) }
        if let minter = engine.configuration.minter { await engine.mintLanes.setLeased(minter.address, false) }
        heldLanes = []
        isCoordinator = false
        lastHolders = nil
        await session.close()
    }

    init(conninfo: String, instanceName: String) {
        let name = Self.sanitized(instanceName)
        // Keepalives on both ends: a partition ends the session (and its locks) within seconds,
        // and this instance learns it lost its lanes as soon (ConninfoKeepalive).
        session = PostgresSession(conninfo: ConninfoKeepalive.applied(to: conninfo), name: "leases",
                                  setupSQL: DatabaseSetup.sql + "; SET application_name = '\(Leases.applicationPrefix)\(name)'; "
                                    + ConninfoKeepalive.serverSettingsSQL)
    }

    static func resource(_ signer: Address) -> String { "lane:" + signer.lowercaseHex }

    /// One round: notice a broken lease session, take free lanes up to this instance's share,
    /// give back lanes above it, take the coordinator's lease if free.
    func refresh(_ engine: SettlementEngine) async throws {
        do {
            try await session.withConnection { conn in _ = try conn.query("SELECT 1") }
        } catch {
            await loseEverything(engine, because: "\(error)")
            throw error
        }
        let connection = await session.connectionsOpened
        defer { leaseConnection = connection }
        if connection != leaseConnection && (!heldLanes.isEmpty || isCoordinator) {
            // `loseEverything` closes the session: leases are taken again next round, on a
            // fresh connection.
            await loseEverything(engine, because: "the lease session was reconnected (PostgreSQL restarted or ended it); its locks went with it")
            return
        }
        let lanes = await engine.paymentLanes.addresses
        let instances = try await session.withConnection { conn in try Leases.liveInstances(on: conn) }
        let share = Self.share(of: lanes.count, among: instances, for: engine.configuration.instanceName)
        // Above the share (another instance joined): stop using the extra lanes, then let go.
        if heldLanes.count > share {
            for signer in heldLanes.sorted(by: { $0.lowercaseHex > $1.lowercaseHex }).prefix(heldLanes.count - share) {
                await engine.paymentLanes.setLeased(signer, false)
                try await session.withConnection { conn in try Leases.release(Self.resource(signer), on: conn) }
                heldLanes.remove(signer)
                engine.logger.notice("signer lane handed over to another instance", metadata: ["signer": "\(signer.checksummed)"])
            }
        }
        for signer in lanes where !heldLanes.contains(signer) && heldLanes.count < share {
            let acquired = try await session.withConnection { conn in try Leases.tryAcquire(Self.resource(signer), on: conn) }
            guard acquired else { continue }
            heldLanes.insert(signer)
            try await NonceRecovery(engine: engine).run(lanes: engine.paymentLanes, signers: [signer], role: "payment")
            await engine.paymentLanes.setLeased(signer, true)
            engine.logger.notice("signer lane leased", metadata: ["signer": "\(signer.checksummed)", "instance": "\(engine.configuration.instanceName)"])
        }
        if !isCoordinator {
            isCoordinator = try await session.withConnection { conn in try Leases.tryAcquire(Self.coordinator, on: conn) }
            if isCoordinator {
                if let minter = engine.configuration.minter {
                    try await NonceRecovery(engine: engine).run(lanes: engine.mintLanes, signers: [minter.address], role: "mint")
                    await engine.mintLanes.setLeased(minter.address, true)
                }
                engine.logger.notice("coordinator lease taken: minting and reorg watch run here",
                                     metadata: ["instance": "\(engine.configuration.instanceName)"])
                engine.mintWake.signal()
            }
        }
        if await session.connectionsOpened != connection {
            await loseEverything(engine, because: "the lease session was reconnected while leases were being taken")
        }
        lastHolders = await readHolders(engine)
        engine.sendWake.signal()
    }

    /// This instance's fair share of `lanes` among the live `instances` (sorted names): each gets
    /// `lanes / count`, and the first `lanes % count` by name one more. An instance the list does
    /// not show yet (its lease session just opened) counts as one more, last.
    static func share(of lanes: Int, among instances: [String], for name: String) -> Int {
        var names = instances
        let sanitized = LeaseKeeper.sanitized(name)
        if !names.contains(sanitized) { names.append(sanitized) }
        let rank = names.firstIndex(of: sanitized) ?? names.count - 1
        return lanes / names.count + (rank < lanes % names.count ? 1 : 0)
    }

    static func sanitized(_ name: String) -> String {
        name.filter { $0.isLetter || $0.isNumber || "-_.:".contains($0) }
    }

    /// The instance holding each lane and the coordinator's lease, for `stats`: as of the last
    /// round (at most `interval` old), or read now before the first.
    func holders(_ engine: SettlementEngine) async -> [String: String] {
        if let lastHolders { return lastHolders }
        return await readHolders(engine)
    }

    private func readHolders(_ engine: SettlementEngine) async -> [String: String] {
        let lanes = await engine.paymentLanes.addresses
        let resources = lanes.map(Self.resource) + [Self.coordinator]
        return (try? await session.withConnection { conn in try Leases.holders(of: resources, on: conn) }) ?? [:]
    }

    private func loseEverything(_ engine: SettlementEngine, because reason: String) async {
        // Close the session for certain: the server then holds none of its locks, and a lock
        // taken again later is held once, not twice.
        lastHolders = nil
        await session.close()
        guard !heldLanes.isEmpty || isCoordinator else { return }
        for signer in heldLanes { await engine.paymentLanes.setLeased(signer, false) }
        if let minter = engine.configuration.minter { await engine.mintLanes.setLeased(minter.address, false) }
        engine.logger.error("lease session lost: every lane stops until its lease is taken again", metadata: ["error": "\(reason)"])
        heldLanes = []
        isCoordinator = false
    }
}
