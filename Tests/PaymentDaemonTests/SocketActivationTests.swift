import Foundation
import JSON
import LineProtocolClient
import LineProtocolTesting
import PaymentModel
import TestHarness
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// The real `paymentd` under `systemd-socket-activate`, observed the way systemd observes it:
/// readiness on NOTIFY_SOCKET, and every command of the protocol over the inherited socket.
final class SocketActivationTests: XCTestCase {
    func testReadyComesOnlyOnceTheSchemaAndNonceStateAreReadyAndTheInheritedSocketAnswers() async throws {
        let bed = try await DaemonTestbed()
        let daemon = try PaymentdProcess.start(bed.workspace, .init(mode: .socketActivated))
        let socketPath = bed.workspace.socketPath
        try await bed.wait("systemd-socket-activate to bind \(socketPath)", seconds: 30) {
            FileManager.default.fileExists(atPath: socketPath)
        }
        let created = try SocketFileTests.changeTime(socketPath)
        let conn = try bed.database()
        defer { conn.close() }
        XCTAssertEqual(try conn.query("SELECT to_regclass('schema_migrations') IS NULL AS missing").first?.bool("missing"), true,
                       "nothing may touch the database before the first connection activates the daemon")

        // The first connection activates the daemon; its request waits in the backlog.
        let first = try RawUnixConnection(path: socketPath, receiveTimeoutSeconds: 90)
        try first.send(line: #"{"id":"early","cmd":"ping"}"#)
        try await daemon.notifications.waitFor("READY=1", timeout: 90, givingUpIf: { daemon.exitDescription() })

        let migrationFiles = try FileManager.default.contentsOfDirectory(atPath: PaymentdWorkspace.repositoryRoot + "/migrations")
            .filter { $0.hasSuffix(".sql") }
        let applied = try conn.query("SELECT count(*) AS n FROM schema_migrations").first?.int64("n")
        XCTAssertEqual(applied, Int64(migrationFiles.count), "READY=1 before every migration was applied")
        XCTAssertEqual(try conn.query("SELECT count(*) AS n FROM system_settings WHERE key = 'payment_batch_size'").first?.int64("n"), 1)

        let early = try await BlockingWork.run { try first.readJSON() }
        XCTAssertEqual(early?["id"], "early")
        XCTAssertEqual(early?["result"], ["pong": true], "the request queued before activation is answered")
        first.close()

        // Nonce state is part of readiness: every signer lane knows its next nonce.
        let client = bed.client()
        let stats = try await client.stats()
        let lanes = stats.signers.filter { $0.role == .payment }
        XCTAssertEqual(lanes.count, bed.workspace.signerKeyPaths.count, "\(stats.signers)")
        XCTAssertEqual(Set(stats.signers.map { $0.address.lowercased() }),
                       Set((bed.chain.signers.map(\.address) + [bed.chain.minter.address]).map { $0.lowercased() }))
        for lane in stats.signers { XCTAssertNotNil(lane.minedNonce, "\(lane)") }

        // Notifications: a start-up STATUS first, READY=1 with the live counts, nothing else ready-ish.
        let messages = daemon.notifications.messages
        let readyIndex = try XCTUnwrap(messages.firstIndex { $0.lines.contains("READY=1") })
        XCTAssertTrue(messages[..<readyIndex].contains { $0.lines.contains { $0.hasPrefix("STATUS=starting") } },
                      daemon.notifications.transcript)
        XCTAssertTrue(messages[readyIndex].lines.contains("STATUS=pending 0, processing 0, sent 0, completed 0, failed 0, confirmation_failed 0"),
                      daemon.notifications.transcript)
        XCTAssertEqual(daemon.notifications.messages(containing: "READY=1").count, 1)

        // The socket file is the activator's: the daemon adopted it rather than binding its own,
        // and leaves it in place when it exits.
        XCTAssertEqual(try SocketFileTests.changeTime(socketPath), created, "the daemon neither re-created nor changed the activator's socket file")
        try await client.stop()
        await client.close()
        try await daemon.notifications.waitFor("STOPPING=1", timeout: 60)
        let status = try await daemon.waitForExit(timeout: 90)
        XCTAssertEqual(status, 0, daemon.logTail())
        XCTAssertTrue(FileManager.default.fileExists(atPath: socketPath), "with socket activation the file belongs to systemd")
    }

    func testEveryCommandWorksOverTheInheritedSocket() async throws {
        let bed = try await DaemonTestbed()
        let daemon = try await bed.startDaemon(.init(mode: .socketActivated))
        let client = bed.client()

        try await client.ping()
        let version = try await client.version()
        XCTAssertEqual(version.protocolVersion, 1)
        XCTAssertFalse(version.daemon.isEmpty)

        // settings get and set (admin: this test runs as root, or as the daemon's own user).
        let before = try await client.settings()
        XCTAssertTrue(before.contains { $0.key == "payment_batch_size" }, "\(before)")
        XCTAssertEqual(before.first { $0.key == "max_pending_per_payer" }?.value, "10")
        let afterSet = try await client.updateSetting(key: "max_pending_per_payer", value: "100000")
        XCTAssertEqual(afterSet.first { $0.key == "max_pending_per_payer" }?.value, "100000")
        let got = try await client.settings()
        XCTAssertEqual(got.first { $0.key == "max_pending_per_payer" }?.value, "100000")
        do {
            _ = try await client.updateSetting(key: "payment_batch_size", value: "many")
            XCTFail("an invalid value must be refused")
        } catch {
            XCTAssertEqual(error.code, "invalid_setting_value")
        }

        // enqueue, watched from another connection, until completed with its mint.
        let events = try await client.watch()
        let buyer = try bed.buyerKey(0)
        let request = try bed.request(buyer: buyer, idempotencyKey: "order-\(UUID().uuidString)")
        let enqueued = try await client.enqueue(request)
        XCTAssertEqual(enqueued.status, .pending)
        XCTAssertFalse(enqueued.duplicate)
        let again = try await client.enqueue(request)
        XCTAssertEqual(again.paymentID, enqueued.paymentID)
        XCTAssertTrue(again.duplicate)

        var seen: [PaymentStatus] = []
        let watching = Task { () -> [PaymentStatus] in
            var statuses: [PaymentStatus] = []
            for try await event in events where event.paymentID == enqueued.paymentID {
                statuses.append(event.status)
                if event.status == .completed || event.status == .failed || event.status == .confirmationFailed { break }
            }
            return statuses
        }
        var payment = try await client.status(paymentID: enqueued.paymentID)
        try await bed.wait("the payment to complete with its mint", seconds: 120) {
            payment = try await client.status(paymentID: enqueued.paymentID)
            return payment.status == .completed && payment.mints.allSatisfy { $0.status == .completed } && !payment.mints.isEmpty
        }
        seen = try await Self.value(of: watching, within: 30)
        XCTAssertEqual(seen.first, .pending, "\(seen)")
        XCTAssertTrue(seen.contains(.sent), "\(seen)")
        XCTAssertEqual(seen.last, .completed, "\(seen)")
        XCTAssertEqual(payment.payer.lowercased(), buyer.address.checksummed.lowercased())
        XCTAssertEqual(payment.amount, String(PaymentdWorkspace.unitPrice), "one item at the configured price")
        XCTAssertNotNil(payment.txHash)
        XCTAssertEqual(payment.mints.count, 1)
        XCTAssertTrue(try bed.hasMinted(payment.mints[0].dedupeHash))

        // stats: the six counts (and the replaced system's shape beside them).
        let raw = try await client.send(.stats)
        for key in ["pending", "processing", "sent", "completed", "failed", "confirmation_failed"] {
            XCTAssertNotNil(raw["counts"]?[key]?.intValue, "counts.\(key) in \(raw)")
            XCTAssertNotNil(raw[key]?.intValue, "\(key) in \(raw)")
        }
        XCTAssertEqual(raw["counts"]?["completed"], 1)
        let stats = try await client.stats()
        XCTAssertEqual(stats.counts[.completed], 1)
        XCTAssertEqual(stats.mintCounts[.completed], 1)

        // list, with and without a filter.
        let listed = try await client.list()
        XCTAssertEqual(listed.map(\.paymentID), [enqueued.paymentID])
        let none = try await client.list(PaymentListFilter(status: .pending))
        XCTAssertEqual(none, [])

        // The STATUS= line follows the counts.
        try await daemon.notifications.waitFor(after: 0, timeout: 30, description: "a STATUS= line counting the completed payment") {
            $0.hasPrefix("STATUS=") && $0.contains("completed 1")
        }

        // cancel and retry: a fee ceiling no block can meet keeps the next payment pending.
        _ = try await client.updateSetting(key: "max_fee_per_gas_wei", value: "1")
        let held = try await client.enqueue(try bed.request(buyer: buyer, quantity: 2))
        // A watch of this one payment sees what cancel and retry do to it.
        let heldEvents = try await client.watch(paymentID: held.paymentID)
        let watchingHeld = Task { () -> [PaymentStatus] in
            var statuses: [PaymentStatus] = []
            for try await event in heldEvents {
                XCTAssertEqual(event.paymentID, held.paymentID)
                statuses.append(event.status)
                if event.status == .completed { break }
            }
            return statuses
        }
        // Cancel asks the chain first: the authorization is unused and unexpired, so anyone
        // could still settle it, and it stays pending (issue 16, scenario 3).
        do {
            _ = try await client.cancel(paymentID: held.paymentID)
            XCTFail("a payment anyone could still settle was cancelled")
        } catch {
            XCTAssertEqual(error.code, "authorization_still_usable")
        }
        let stillPending = try await client.status(paymentID: held.paymentID).status
        XCTAssertEqual(stillPending, .pending)
        // A transaction that runs out of gas, with no retries allowed, ends confirmation_failed.
        for (key, value) in [("transfer_gas_limit", "55000"), ("simulate_before_send", "false"), ("revert_retries", "0"),
                             ("max_fee_per_gas_wei", "500000000000")] {
            _ = try await client.updateSetting(key: key, value: value)
        }
        try await bed.wait("the held payment's transaction to revert", seconds: 60) {
            try await client.status(paymentID: held.paymentID).status == .confirmationFailed
        }
        do {
            _ = try await client.cancel(paymentID: held.paymentID)
            XCTFail("a failed payment cannot be cancelled")
        } catch {
            XCTAssertEqual(error.code, "invalid_transition")
        }
        do {
            _ = try await client.retry(paymentID: enqueued.paymentID)
            XCTFail("a completed payment cannot be retried")
        } catch {
            XCTAssertEqual(error.code, "invalid_transition")
        }
        for (key, value) in [("transfer_gas_limit", "150000"), ("simulate_before_send", "true"), ("max_fee_per_gas_wei", "1")] {
            _ = try await client.updateSetting(key: key, value: value)
        }
        let retried = try await client.retry(paymentID: held.paymentID)
        XCTAssertEqual(retried.status, .pending)
        // Not a pause of some length: the send loop has since claimed the retried payment (the
        // only one pending) and held it back at the ceiling, which it logs each time. Two such
        // lines after the retry: the second comes from an iteration that began after it.
        let feeWait = "fees above max_fee_per_gas_wei; waiting"
        let feeWaitsBefore = daemon.log().components(separatedBy: feeWait).count
        try await bed.wait("the send loop to hold the retried payment back at the fee ceiling", seconds: 60) {
            daemon.log().components(separatedBy: feeWait).count >= feeWaitsBefore + 2
        }
        let stillHeld = try await client.status(paymentID: held.paymentID)
        XCTAssertEqual(stillHeld.status, .pending, "max_fee_per_gas_wei=1 (set over the socket) must keep it from being sent")
        _ = try await client.updateSetting(key: "max_fee_per_gas_wei", value: "500000000000")
        try await bed.wait("the retried payment to complete", seconds: 120) {
            try await client.status(paymentID: held.paymentID).status == .completed
        }
        let heldStatuses = try await Self.value(of: watchingHeld, within: 30)
        let failedAt = heldStatuses.firstIndex(of: .confirmationFailed)
        XCTAssertNotNil(failedAt, "\(heldStatuses)")
        XCTAssertEqual(failedAt.map { heldStatuses.dropFirst($0 + 1).first }, .pending, "retry puts it back: \(heldStatuses)")
        XCTAssertEqual(heldStatuses.last, .completed, "\(heldStatuses)")

        // A watcher still open when the daemon stops is closed by it.
        let open = try await client.watch()
        let draining = Task { () -> String in
            do {
                for try await _ in open {}
                return "ended without an error"
            } catch {
                return (error as? PaymentdClientError)?.code ?? "\(error)"
            }
        }

        // stop: acknowledged, STOPPING=1, exit 0.
        let stopped = try await client.send(.stop)
        XCTAssertEqual(stopped, ["stopping": true])
        try await daemon.notifications.waitFor("STOPPING=1", timeout: 60)
        let watcherEnd = try await Self.value(of: Task { await draining.value }, within: 60)
        XCTAssertEqual(watcherEnd, "connection_closed")
        await client.close()
        let status = try await daemon.waitForExit(timeout: 90)
        XCTAssertEqual(status, 0, daemon.logTail())
    }

    /// paymentd.socket's own `SocketMode=` and `SocketGroup=`, applied to the activator's socket
    /// as systemd applies them at bind time (before anyone can connect): a member of the group
    /// is answered, anyone else cannot connect, and the daemon adopts the socket without
    /// touching its mode or owner. `systemd-socket-activate` has no mode or group options, so
    /// the test plays that part of systemd.
    func testTheSocketUnitsModeAndGroupAdmitTheGroupAndNoOneElse() async throws {
        XCTAssertEqual(getuid(), 0, "this test must run as root to own the socket and connect as other users")
        XCTAssertTrue(FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv"), "setpriv (util-linux) is missing")
        let unit = try SystemdUnitFile.repository("paymentd.socket")
        let mode = try unit.mode("SocketMode", in: "Socket")
        let groupName = try unit.required("SocketGroup", in: "Socket")
        XCTAssertEqual(try unit.required("SocketUser", in: "Socket"), "root")
        // The group exists where the units are installed (sysusers.d); on a test machine without
        // it, nogroup stands in: what matters is membership, not the name.
        let gid = getgrnam(groupName).map { $0.pointee.gr_gid } ?? 65534
        let stranger: UInt32 = 65533

        let bed = try await DaemonTestbed()
        let daemon = try PaymentdProcess.start(bed.workspace, .init(mode: .socketActivated))
        let path = bed.workspace.socketPath
        try await bed.wait("systemd-socket-activate to bind \(path)", seconds: 30) { FileManager.default.fileExists(atPath: path) }
        XCTAssertEqual(chown(path, 0, gid), 0, String(cString: strerror(errno)))
        XCTAssertEqual(chmod(path, mode_t(mode)), 0, String(cString: strerror(errno)))
        try await daemon.waitUntilReady()

        let socat = try TranscriptAndSocatTests.socatPath()
        func ping(groups: [String]) async throws -> ChildProcess.Result {
            try await BlockingWork.run {
                try ChildProcess.run("/usr/bin/setpriv", ["--reuid=\(stranger)", "--regid=\(stranger)"] + groups
                                     + [socat, "-t", "3", "-", "UNIX-CONNECT:\(path)"], input: "ping\n")
            }
        }
        let member = try await ping(groups: ["--groups=\(gid)"])
        XCTAssertTrue(member.stdout.contains("pong"), "a member of \(groupName) (gid \(gid)) may connect: \(member.description)")
        let outsider = try await ping(groups: ["--clear-groups"])
        XCTAssertFalse(outsider.stdout.contains("pong"), outsider.description)
        XCTAssertTrue(outsider.stderr.contains("Permission denied"), outsider.description)

        // A member is not an admin: admin commands are decided by uid, not by the socket's group.
        let refused = try await BlockingWork.run {
            try ChildProcess.run("/usr/bin/setpriv", ["--reuid=\(stranger)", "--regid=\(stranger)", "--groups=\(gid)",
                                                      socat, "-t", "3", "-", "UNIX-CONNECT:\(path)"],
                                 input: #"{"id":1,"cmd":"stop"}"# + "\n")
        }
        XCTAssertTrue(refused.stdout.contains(#""code":"permission_denied""#), refused.description)
        XCTAssertTrue(daemon.isRunning, "a member of the socket's group stopped the daemon")

        var info = stat()
        XCTAssertEqual(lstat(path, &info), 0)
        XCTAssertEqual(info.st_mode & 0o7777, mode_t(mode), "the daemon changed the socket's mode: " + String(info.st_mode & 0o7777, radix: 8))
        XCTAssertEqual(info.st_uid, 0)
        XCTAssertEqual(info.st_gid, gid, "the daemon changed the socket's group")
        let status = await daemon.terminate()
        XCTAssertEqual(status, 0, daemon.logTail())
    }

    // MARK: Helpers

    static func inode(_ path: String) throws -> UInt64 {
        var info = stat()
        guard lstat(path, &info) == 0 else { throw HarnessError("lstat \(path): \(String(cString: strerror(errno)))") }
        return UInt64(info.st_ino)
    }

    /// The task's value, or a failure after `seconds` (the task is cancelled).
    static func value<T: Sendable>(of task: Task<T, any Error>, within seconds: Double) async throws -> T {
        let timer = Task {
            try await Task.sleep(for: .seconds(seconds))
            task.cancel()
        }
        defer { timer.cancel() }
        return try await task.value
    }
}
