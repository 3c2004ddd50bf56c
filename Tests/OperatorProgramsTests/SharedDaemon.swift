import TestHarness

/// One daemon for the payctl tests of this target, started on first use and stopped when the
/// test process exits: starting a daemon costs seconds, and these tests only add payments,
/// so they share it (each test reads what it made, never totals).
enum SharedDaemon {
    private static let started = Task<(OperatorTestbed, PaymentdProcess), any Error> {
        let bed = try await OperatorTestbed()
        let daemon = try await bed.startDaemon()
        let client = bed.client()
        _ = try await client.updateSetting(key: "max_pending_per_payer", value: "100000")
        await client.close()
        return (bed, daemon)
    }

    static func testbed() async throws -> OperatorTestbed {
        try await started.value.0
    }

    /// The shared daemon's process: its log says what its loops did, for a test to wait on.
    static func daemon() async throws -> PaymentdProcess {
        try await started.value.1
    }
}
