import JSON

/// One response line: `{"id":…,"ok":true,"result":{…}}` or
/// `{"id":…,"ok":false,"error":{"code":…,"message":…}}`. The server builds it; the client reads
/// it back with `init(wire:)`.
public struct ProtocolResponse: Sendable, Hashable {
    public enum Outcome: Sendable, Hashable {
        case success(JSONValue)
        case failure(WireError)
    }

    public var id: JSONValue
    public var outcome: Outcome

    public init(id: JSONValue, outcome: Outcome) {
        self.id = id
        self.outcome = outcome
    }

    public static func success(id: JSONValue, result: JSONValue) -> ProtocolResponse {
        ProtocolResponse(id: id, outcome: .success(result))
    }

    public static func failure(id: JSONValue, error: WireError) -> ProtocolResponse {
        ProtocolResponse(id: id, outcome: .failure(error))
    }

    public var isSuccess: Bool {
        if case .success = outcome { return true }
        return false
    }

    public var wireValue: JSONValue {
        switch outcome {
        case .success(let result): ["id": id, "ok": true, "result": result]
        case .failure(let error): ["id": id, "ok": false, "error": error.wireValue]
        }
    }

    /// The response as one protocol line, newline included.
    public var line: [UInt8] { JSONWriter.line(wireValue) }

    public init(wire value: JSONValue) throws(JSONShapeError) {
        let object = try JSONObjectReader(value)
        guard let id = object.fields["id"] else { throw JSONShapeError(field: "id", reason: "is required (null allowed)") }
        if try object.bool("ok") {
            guard let result = object.fields["result"] else { throw JSONShapeError(field: "result", reason: "is required when ok is true") }
            self.init(id: id, outcome: .success(result))
        } else {
            guard let error = object.fields["error"] else { throw JSONShapeError(field: "error", reason: "is required when ok is false") }
            self.init(id: id, outcome: .failure(try WireError(wire: error)))
        }
    }
}
