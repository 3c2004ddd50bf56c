#if canImport(Glibc)
import Glibc
#endif

/// A process to signal at exit: `signal` to `pid`, or to the process group `pid` leads.
struct KillTarget: Equatable {
    var pid: pid_t
    var signal: Int32
    var group: Bool

    /// Packed into one word so the table can hold it in an atomic: 0 means "empty slot".
    var packed: Int64 {
        Int64(UInt32(bitPattern: pid)) | Int64(signal & 0xFF) << 32 | (group ? 1 << 40 : 0)
    }

    init(pid: pid_t, signal: Int32, group: Bool) {
        self.pid = pid
        self.signal = signal
        self.group = group
    }

    init(packed: Int64) {
        pid = pid_t(truncatingIfNeeded: packed & 0xFFFF_FFFF)
        signal = Int32((packed >> 32) & 0xFF)
        group = packed & (1 << 40) != 0
    }

    /// Async-signal-safe: one `kill(2)`.
    func fire() {
        _ = Glibc.kill(group ? -pid : pid, signal)
    }
}
