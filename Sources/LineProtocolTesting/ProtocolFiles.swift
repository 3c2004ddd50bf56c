import Foundation

/// The files in `protocol/` at the root of this checkout: the transcripts every side replays
/// and the JSON Schemas the codec is checked against.
public enum ProtocolFiles {
    /// `<root>/protocol`: this file is `<root>/Sources/LineProtocolTesting/ProtocolFiles.swift`.
    public static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("protocol")

    public static func transcripts() throws -> [(name: String, transcript: Transcript)] {
        let directory = root.appendingPathComponent("transcripts")
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".jsonl") }.sorted()
        return try names.map { name in
            let text = try String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)
            return (name, try Transcript(jsonLines: text))
        }
    }

    public static func schemaDocuments() throws -> [URL] {
        let directory = root.appendingPathComponent("schemas")
        guard let walker = FileManager.default.enumerator(at: directory, includingPropertiesForKeys: nil) else { return [] }
        return walker.compactMap { $0 as? URL }.filter { $0.pathExtension == "json" }
    }
}
