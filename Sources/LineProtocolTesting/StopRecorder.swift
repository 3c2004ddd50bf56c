/// Counts the server's `onStop` calls, the daemon's cue to shut down, so a test can see that
/// `stop` asked for one (or that a refused `stop` did not).
public actor StopRecorder {
    public private(set) var count = 0
    public func record() { count += 1 }
}
