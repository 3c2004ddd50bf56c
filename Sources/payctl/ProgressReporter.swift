import Foundation
import OperatorCLI
import Synchronization

/// Writes an enqueue run's progress to standard error as answers come back: a bar redrawn in
/// place on a terminal, or a line per tenth into a file or pipe.
final class ProgressReporter: Sendable {
    private let total: Int
    private let mode: EnqueueCommand.ProgressMode
    private let started: Date
    private let state: Mutex<(lines: ProgressLines, lastDraw: Date)>

    init(total: Int, mode: EnqueueCommand.ProgressMode, started: Date) {
        self.total = total
        self.mode = mode
        self.started = started
        state = Mutex((ProgressLines(total: total), .distantPast))
    }

    func advance(_ done: Int) {
        let now = Date()
        let elapsed = now.timeIntervalSince(started)
        switch mode {
        case .bar:
            // Redraw at most ten times a second, and always for the last one.
            let draw = state.withLock { state -> Bool in
                guard done == total || now.timeIntervalSince(state.lastDraw) >= 0.1 else { return false }
                state.lastDraw = now
                return true
            }
            if draw { StandardOutput.error("\r" + ProgressBar.render(done: done, total: total, elapsedSeconds: elapsed) + "\u{1B}[K") }
        case .lines:
            if let line = state.withLock({ $0.lines.line(done: done, elapsedSeconds: elapsed) }) { StandardOutput.error(line) }
        case .auto, .none:
            break
        }
    }

    func finish() {
        if mode == .bar { StandardOutput.error("\n") }
    }
}
