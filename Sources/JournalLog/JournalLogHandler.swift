import Foundation
import Logging

/// swift-log's handler for a daemon that may run under systemd: one line per record that the
/// journal files at the record's own priority, and one level for the whole process that can be
/// changed while it runs.
///
/// `StreamLogHandler` gives every line priority 6 and a second timestamp under journald. This
/// handler writes in the `LogLineFormat` chosen once, at construction, and reads its level from
/// a shared `LiveLogLevel`: setting `logLevel` on any `Logger` built by one bootstrap changes it
/// for all of them, deliberately, unlike swift-log's per-logger value. Metadata is merged as
/// handler's, then the metadata provider's, then the record's, each winning over the one before.
public struct JournalLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?

    private let label: String
    private let level: LiveLogLevel
    private let format: LogLineFormat
    private let write: @Sendable (String) -> Void

    /// - Parameter write: receives each whole line, newline included; standard error by default.
    public init(
        label: String,
        level: LiveLogLevel,
        format: LogLineFormat,
        metadataProvider: Logger.MetadataProvider? = nil,
        write: @escaping @Sendable (String) -> Void = { LineWriter.standardError.write($0) }
    ) {
        self.label = label
        self.level = level
        self.format = format
        self.metadataProvider = metadataProvider
        self.write = write
    }

    /// The factory for `LoggingSystem.bootstrap(_:metadataProvider:)`, with the format detected
    /// once from `environment` and standard error, and every handler sharing `level`:
    ///
    ///     LoggingSystem.bootstrap(JournalLogHandler.bootstrap(level: level), metadataProvider: nil)
    ///
    /// It takes the provider argument so that one given to `Logger(label:metadataProvider:)`
    /// reaches the handler; swift-log's one-argument `bootstrap` would drop it.
    public static func bootstrap(
        level: LiveLogLevel,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        write: @escaping @Sendable (String) -> Void = { LineWriter.standardError.write($0) }
    ) -> @Sendable (String, Logger.MetadataProvider?) -> any LogHandler {
        let format = LogLineFormat.detect(environment: environment)
        return { label, metadataProvider in
            JournalLogHandler(
                label: label, level: level, format: format, metadataProvider: metadataProvider, write: write
            )
        }
    }

    public var logLevel: Logger.Level {
        get { level.get() }
        set { level.set(newValue) }
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { _, provided in provided } }
        if let recorded = event.metadata { merged.merge(recorded) { _, recorded in recorded } }
        if let error = event.error {
            merged["error.message"] = "\(error)"
            merged["error.type"] = "\(String(reflecting: type(of: error)))"
        }
        let line = format.line(
            level: event.level, label: label, message: event.message.description, metadata: merged, at: Date()
        )
        write(line)
    }
}
