extension LogLineFormat {
    /// `.journal` when `fileDescriptor` (standard error) is the stream journald handed this
    /// process, else `.plain`.
    ///
    /// systemd.exec(5): `JOURNAL_STREAM` is `<st_dev>:<st_ino>` of the journal stream it
    /// connected stdout/stderr to. The variable alone is not proof, because it is inherited:
    /// a child whose stderr was redirected to a file or a terminal still has it. So the
    /// descriptor's `fstat(2)` must name the same device and inode. Only when that check cannot
    /// be made (fstat fails) does a well-formed value (two unsigned integers) count on its own.
    public static func detect(environment: [String: String], fileDescriptor: Int32 = 2) -> LogLineFormat {
        guard let value = environment["JOURNAL_STREAM"], let stream = FileIdentity(journalStream: value) else {
            return .plain
        }
        guard let actual = FileIdentity(fileDescriptor: fileDescriptor) else { return .journal }
        return actual == stream ? .journal : .plain
    }
}
