import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// CPU time and peak memory of processes, read from Linux's `/proc`: what the daemon, the
/// devchain and PostgreSQL each spent while a run lasted.
///
/// PostgreSQL is a tree: the postmaster, its helpers and one backend per connection. A backend
/// that exited was reaped by the postmaster, so its time is in the postmaster's children's
/// time (`cutime`, `cstime`); the live ones are read one by one. Their sum only grows, so the
/// difference of two readings is what the cluster spent in between.
public enum ProcessCPU {
    /// User + system seconds of `pid` (with `children`, also its reaped children's); nil once
    /// the process is gone.
    public static func seconds(_ pid: Int32, children: Bool = false) -> Double? {
        guard let fields = statFields(pid) else { return nil }
        // Fields after the command: state is [0], utime [11], stime [12], cutime [13], cstime [14].
        var ticks = (Double(fields[11]) ?? 0) + (Double(fields[12]) ?? 0)
        if children { ticks += (Double(fields[13]) ?? 0) + (Double(fields[14]) ?? 0) }
        return ticks / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    /// The process tree under `root` (the root with its reaped children's time, plus every
    /// live descendant's own time).
    public static func treeSeconds(_ root: Int32) -> Double {
        var total = seconds(root, children: true) ?? 0
        for pid in descendants(of: root) { total += seconds(pid) ?? 0 }
        return total
    }

    /// Peak resident set (`VmHWM`), in bytes; nil once the process is gone.
    public static func peakResidentBytes(_ pid: Int32) -> UInt64? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix("VmHWM:") {
            let number = line.dropFirst(6).trimmingCharacters(in: .whitespaces).split(separator: " ").first
            return number.flatMap { UInt64($0) }.map { $0 * 1024 }
        }
        return nil
    }

    /// Live processes whose parent chain leads to `root`.
    static func descendants(of root: Int32) -> [Int32] {
        var parents: [Int32: Int32] = [:]
        for name in (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? [] {
            guard let pid = Int32(name), let fields = statFields(pid), let parent = Int32(fields[1]) else { continue }
            parents[pid] = parent
        }
        return parents.keys.filter { pid in
            var current = parents[pid]
            var hops = 0
            while let parent = current, hops < 64 {
                if parent == root { return true }
                current = parents[parent]
                hops += 1
            }
            return false
        }
    }

    /// `/proc/<pid>/stat` after the parenthesised command name (which may hold spaces).
    private static func statFields(_ pid: Int32) -> [Substring]? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = text.lastIndex(of: ")") else { return nil }
        let fields = text[text.index(after: close)...].split(separator: " ")
        return fields.count > 14 ? fields : nil
    }
}
