import Foundation
import LineProtocolClient
import PaymentModel
import TestHarness
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// The sd_notify side of the daemon that systemd acts on: WATCHDOG=1 only while the loops make
/// progress, RELOADING=1 … READY=1 around a SIGHUP settings reload.
final class WatchdogAndReloadTests: XCTestCase {
    func testWatchdogPingsStopWhileALoopIsWedgedAndResumeOnceItMovesAgain() async throws {
        let bed = try await DaemonTestbed()
        // WATCHDOG_USEC=2 s: a ping every 0.5 s while every loop heartbeat is younger than 1 s.
        let daemon = try await bed.startDaemon(.init(mode: .socketActivated, watchdogMicroseconds: 2_000_000))
        let notifications = daemon.notifications

        let start = notifications.count
        try await bed.wait("WATCHDOG=1 pings from a healthy daemon", seconds: 30) {
            notifications.messages(containing: "WATCHDOG=1", after: start).count >= 4
        }

        // Wedge the send and confirm loops: each iteration reads payment_queue, and this
        // transaction holds the table's strongest lock (the daemon's lock_timeout is 10 s, after
        // which the loops fail an iteration, beat once and block again).
        let locker = try bed.database()
        defer { locker.close() }
        try locker.execute("BEGIN")
        try locker.execute("LOCK TABLE payment_queue IN ACCESS EXCLUSIVE MODE")
        let wedgedAt = Date()

        // Pings come every 0.5 s when they come at all: 3 s without one means they stopped.
        let silence = 3.0
        try await bed.wait("\(silence) s without WATCHDOG=1 while the loops are wedged", seconds: 30) {
            let lastPing = max(wedgedAt, notifications.messages(containing: "WATCHDOG=1").last?.receivedAt ?? wedgedAt)
            return Date().timeIntervalSince(lastPing) >= silence
        }
        XCTAssertTrue(daemon.isRunning, "the process stays alive; only the pings stop")
        try await bed.wait("the daemon to log why it withholds pings", seconds: 10) {
            daemon.log().contains("withholding watchdog pings")
        }
        // The socket still answers: the daemon is alive, its loops are not.
        let client = bed.client()
        try await client.ping()

        try locker.execute("ROLLBACK")
        let releasedAt = Date()
        try await bed.wait("WATCHDOG=1 to resume after the loops are unwedged", seconds: 30) {
            notifications.messages(containing: "WATCHDOG=1").contains { $0.receivedAt > releasedAt }
        }
        let resumed = notifications.count
        try await bed.wait("pings to keep coming", seconds: 30) {
            notifications.messages(containing: "WATCHDOG=1", after: resumed).count >= 3
        }
        XCTAssertTrue(daemon.log().contains("watchdog pings resumed"), daemon.logTail())

        await client.close()
        daemon.signal(SIGTERM)
        let status = try await daemon.waitForExit(timeout: 90)
        XCTAssertEqual(status, 0, daemon.logTail())
    }

    /// The restart path with paymentd.service's own `WatchdogSec=`, `WatchdogSignal=` (systemd's
    /// default SIGABRT), `Restart=` and `RestartSec=`: the test plays systemd. Payments wait
    /// behind a fee ceiling; the loops are wedged; the pings stop and stay stopped for a whole
    /// `WatchdogSec` while the process lives on; "systemd" kills it and starts a new one after
    /// `RestartSec`; the new daemon pings again and settles every payment exactly once.
    func testWithTheUnitsWatchdogSecAWedgedDaemonFallsSilentAndItsReplacementResumesAndSettles() async throws {
        let unit = try SystemdUnitFile.repository("paymentd.service")
        // The unit's WatchdogSec= is 120 s: two minutes of silence. That full size runs with
        // PAYMENTD_FULL_DRILLS=1 (README, Tests); the test command plays the same sequence with
        // 10 s, since the daemon's rule is relative to the interval systemd gives it (pings every
        // half of it, withheld once a loop is older than its idle sleep plus half of it).
        let unitWatchdogSeconds = try unit.seconds("WatchdogSec", in: "Service")
        let full = ProcessInfo.processInfo.environment["PAYMENTD_FULL_DRILLS"] == "1"
        let watchdogSeconds = full ? unitWatchdogSeconds : min(unitWatchdogSeconds, 10)
        let restartSeconds = try unit.seconds("RestartSec", in: "Service")
        let stopSeconds = try unit.seconds("TimeoutStopSec", in: "Service")
        let abortSeconds = unit.value("TimeoutAbortSec", in: "Service") == nil ? stopSeconds : try unit.seconds("TimeoutAbortSec", in: "Service")
        let restart = try unit.required("Restart", in: "Service")
        XCTAssertTrue(["on-failure", "on-watchdog", "on-abnormal", "always"].contains(restart),
                      "Restart=\(restart) would leave a daemon killed by the watchdog down")
        let watchdogSignal = try Self.signalNumber(unit.value("WatchdogSignal", in: "Service") ?? "SIGABRT")
        let options = PaymentdProcess.Options(mode: .socketActivated, watchdogMicroseconds: UInt64(watchdogSeconds * 1_000_000))

        let bed = try await DaemonTestbed()
        let batch = try PaymentBatch(bed, count: 20)
        let wedged = try await bed.startDaemon(options)
        let client = bed.client()
        try await bed.allowManyPendingPayments(client)
        _ = try await client.updateSetting(key: "max_fee_per_gas_wei", value: "1")
        let queued = await batch.enqueueAll(client)
        XCTAssertEqual(queued.failures, [])
        await client.close()
        try await bed.wait("a WATCHDOG=1 ping from the healthy daemon", seconds: watchdogSeconds) {
            !wedged.notifications.messages(containing: "WATCHDOG=1").isEmpty
        }

        // Wedge the send and confirm loops on a table lock (see the test above).
        let locker = try bed.database()
        defer { locker.close() }
        try locker.execute("BEGIN")
        try locker.execute("LOCK TABLE payment_queue IN ACCESS EXCLUSIVE MODE")
        let wedgedAt = Date()
        // systemd's watchdog fires once WatchdogSec passes without a ping.
        try await bed.wait("WatchdogSec (\(watchdogSeconds) s) without WATCHDOG=1", seconds: watchdogSeconds * 2 + 30) {
            let lastPing = max(wedgedAt, wedged.notifications.messages(containing: "WATCHDOG=1").last?.receivedAt ?? wedgedAt)
            return Date().timeIntervalSince(lastPing) >= watchdogSeconds
        }
        XCTAssertTrue(wedged.isRunning, "a wedged daemon does not die by itself: the watchdog is what ends it")
        XCTAssertTrue(wedged.log().contains("withholding watchdog pings"), wedged.logTail())
        // systemd sends WatchdogSignal=, waits TimeoutAbortSec= (TimeoutStopSec= if unset), then SIGKILLs.
        wedged.signal(watchdogSignal)
        let ended = try? await wedged.waitForExit(timeout: abortSeconds)
        let killed = ended ?? wedged.kill9()
        XCTAssertTrue([128 + watchdogSignal, 128 + SIGKILL].contains(killed), "status \(killed): a failure Restart=\(restart) acts on")
        XCTAssertTrue(wedged.log().contains("Backtracing"), "the abort's backtrace (every thread, the wedged loop among them) reaches the journal")
        try locker.execute("ROLLBACK")

        // Restart=…, after RestartSec=: a new process on the same socket path and database.
        // The sleep is systemd's RestartSec= played out (the unit's value), not a wait for state.
        try await Task.sleep(for: .seconds(restartSeconds))
        let restarted = try await bed.startDaemon(options)
        try await bed.wait("WATCHDOG=1 from the restarted daemon", seconds: watchdogSeconds) {
            !restarted.notifications.messages(containing: "WATCHDOG=1").isEmpty
        }
        let again = bed.client()
        _ = try await again.updateSetting(key: "max_fee_per_gas_wei", value: "500000000000")
        try await batch.waitUntilSettled(bed)
        try batch.verifySettledExactlyOnce(bed)
        XCTAssertFalse(restarted.log().contains("withholding watchdog pings"), restarted.logTail())
        await again.close()
        let status = await restarted.terminate(graceSeconds: stopSeconds)
        XCTAssertEqual(status, 0, restarted.logTail())
    }

    /// `SIGABRT` or `6` (as systemd accepts them) as a signal number.
    static func signalNumber(_ text: String) throws -> Int32 {
        let names: [String: Int32] = ["SIGABRT": SIGABRT, "SIGTERM": SIGTERM, "SIGKILL": SIGKILL, "SIGQUIT": SIGQUIT, "SIGINT": SIGINT]
        if let number = Int32(text) { return number }
        guard let number = names[text.hasPrefix("SIG") ? text : "SIG" + text] else { throw HarnessError("unknown signal \(text)") }
        return number
    }

    func testAnIdleDaemonKeepsPingingWhileItsLoopsSleepLongerThanHalfTheWatchdogInterval() async throws {
        let bed = try await DaemonTestbed()
        // WatchdogSec=4 s, while the idle send and mint loops sleep 8 s between iterations (both
        // legal settings): sleeping is not hanging, and systemd must not restart a healthy daemon.
        let daemon = try await bed.startDaemon(.init(watchdogMicroseconds: 4_000_000))
        let client = bed.client()
        _ = try await client.updateSetting(key: "payment_batch_interval_ms", value: "8000")
        _ = try await client.updateSetting(key: "batch_interval_seconds", value: "8")
        let notifications = daemon.notifications
        let mark = notifications.count
        let observedFrom = Date()
        // Long enough for a whole 8 s sleep of each loop. An observation window, not a wait for
        // an event: the claim is about every gap between pings over a span longer than the
        // loops sleep, so the span itself is what is measured.
        try await Task.sleep(for: .seconds(12))
        let pings = [observedFrom] + notifications.messages(containing: "WATCHDOG=1", after: mark).map(\.receivedAt) + [Date()]
        let longestGap = zip(pings.dropFirst(), pings).map { $0.timeIntervalSince($1) }.max() ?? 0
        XCTAssertLessThan(longestGap, 4.0, "systemd (WatchdogSec=4) would have restarted an idle, healthy daemon:\n\(notifications.transcript)")
        XCTAssertFalse(daemon.log().contains("withholding watchdog pings"), "a false alarm at critical level:\n\(daemon.logTail())")
        await client.close()
        let status = await daemon.terminate()
        XCTAssertEqual(status, 0, daemon.logTail())
    }

    func testSIGHUPReloadsSettingsChangedInTheTableBetweenReloadingAndReady() async throws {
        let bed = try await DaemonTestbed()
        let daemon = try await bed.startDaemon()
        let notifications = daemon.notifications
        let client = bed.client()

        // Edited directly in the table, the way an operator with psql would: not applied yet.
        let conn = try bed.database()
        defer { conn.close() }
        _ = try conn.query("UPDATE system_settings SET value = '1' WHERE key = 'max_pending_per_payer'")
        let first = try bed.buyerKey(1)
        _ = try await client.enqueue(try bed.request(buyer: first))
        _ = try await client.enqueue(try bed.request(buyer: first, quantity: 2))

        let mark = notifications.count
        daemon.signal(SIGHUP)
        let reloading = try await notifications.waitFor("RELOADING=1", after: mark, timeout: 30, givingUpIf: { daemon.exitDescription() })
        let ready = try await notifications.waitFor("READY=1", after: reloading.index + 1, timeout: 30)
        XCTAssertTrue(ready.message.lines.contains { $0.hasPrefix("STATUS=pending ") }, notifications.transcript)
        XCTAssertEqual(notifications.messages(containing: "READY=1", after: mark).count, 1)
        XCTAssertTrue(daemon.isRunning)

        // Applied now: a payer with one unsettled payment may not queue a second.
        let second = try bed.buyerKey(2)
        let accepted = try await client.enqueue(try bed.request(buyer: second))
        let refused = try bed.request(buyer: second, quantity: 2)
        do {
            _ = try await client.enqueue(refused)
            XCTFail("max_pending_per_payer = 1 must apply after SIGHUP")
        } catch {
            XCTAssertEqual(error.code, "too_many_pending", "\(error)")
        }
        let settings = try await client.settings()
        XCTAssertEqual(settings.first { $0.key == "max_pending_per_payer" }?.value, "1")
        try await bed.wait("the accepted payment to complete", seconds: 120) {
            try await client.status(paymentID: accepted.paymentID).status == .completed
        }
        XCTAssertTrue(daemon.log().contains("settings reloaded"), daemon.logTail())
        XCTAssertEqual(notifications.messages(containing: "WATCHDOG=1").count, 0, "no WATCHDOG_USEC, no pings")

        // A typo made in SQL is reported and ignored; the daemon stays ready.
        _ = try conn.query("UPDATE system_settings SET value = 'lots' WHERE key = 'payment_batch_size'")
        let typo = notifications.count
        daemon.signal(SIGHUP)
        let again = try await notifications.waitFor("RELOADING=1", after: typo, timeout: 30, givingUpIf: { daemon.exitDescription() })
        try await notifications.waitFor("READY=1", after: again.index + 1, timeout: 30)
        try await bed.wait("the ignored setting to be logged", seconds: 10) { daemon.log().contains("ignoring invalid setting") }
        // Several reloads in a row: each is answered, and the daemon keeps serving.
        let burst = notifications.count
        for _ in 0..<5 { daemon.signal(SIGHUP) }
        try await bed.wait("the burst of reloads to settle", seconds: 30) {
            let reloads = notifications.messages(containing: "RELOADING=1", after: burst).count
            return reloads >= 1 && notifications.messages(containing: "READY=1", after: burst).count == reloads
        }
        try await client.ping()

        await client.close()
        daemon.signal(SIGTERM)
        try await notifications.waitFor("STOPPING=1", timeout: 60)
        let status = try await daemon.waitForExit(timeout: 90)
        XCTAssertEqual(status, 0, daemon.logTail())
    }
}
