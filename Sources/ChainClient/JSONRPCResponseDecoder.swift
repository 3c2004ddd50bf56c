import JSON

/// Reads JSON-RPC 2.0 answers: the JSON text, then the envelope (`result` or `error`, matched to
/// its request by `id`).
///
/// The text is parsed by the one strict parser, as socket lines are. Measured with
/// `rpc-decode-benchmark` (a 500-receipt batch answer, 1.18 MB, two logs per receipt; release
/// build on the 2 shared cores, load average about 3, medians of 30): the strict parser takes
/// 14.5-15.2 ms where `JSONSerialization` plus conversion to `JSONValue` took 49.5-50.0 ms,
/// and the whole decode into typed receipts 35.7-36.0 ms instead of 71.3-71.5 ms. The confirm
/// loop reads hundreds of receipts per tick, so the faster one was kept.
enum JSONRPCResponseDecoder {
    /// Deep enough for every answer this client reads (a receipt's topics sit at depth 5).
    static let maximumDepth = 64

    /// The parsed JSON text of a response body.
    static func parse(_ bytes: [UInt8], method: String) throws(ChainError) -> JSONValue {
        do throws(JSONSyntaxError) {
            return try StrictJSONParser.parse(bytes, maximumDepth: maximumDepth)
        } catch {
            throw .malformedResponse(method: method, "the body is not JSON (\(error); \(bytes.count) bytes: \(preview(bytes)))")
        }
    }

    /// The outcome of the one call sent with `id`.
    static func single(_ bytes: [UInt8], method: String, id: Int) throws(ChainError) -> Result<JSONValue, RPCErrorObject> {
        let root = try parse(bytes, method: method)
        guard case .object(let fields) = root else {
            throw .malformedResponse(method: method, "expected a JSON-RPC response object, got \(preview(bytes))")
        }
        let answeredID = fields["id"] ?? .null
        if let error = try errorObject(fields, method: method) {
            // A node that could not read the request (or an HTTP front end) answers with id null.
            guard answeredID.isNull || answeredID.intValue == Int64(id) else {
                throw .malformedResponse(method: method, "the response id \(describe(answeredID)) is not the request id \(id)")
            }
            return .failure(error)
        }
        guard answeredID.intValue == Int64(id) else {
            throw .malformedResponse(method: method, "the response id \(describe(answeredID)) is not the request id \(id)")
        }
        guard let result = fields["result"] else {
            throw .malformedResponse(method: method, "the response has neither result nor error")
        }
        return .success(result)
    }

    /// The outcomes of a batch whose ids were `firstID ..< firstID + count`, in request order.
    /// Answers are matched by id, never by position (nodes may reorder a batch).
    static func batch(_ bytes: [UInt8], method: String, firstID: Int, count: Int) throws(ChainError) -> [Result<JSONValue, RPCErrorObject>] {
        let root = try parse(bytes, method: method)
        let elements: [JSONValue]
        switch root {
        case .array(let array):
            elements = array
        case .object(let fields):
            // The whole batch was refused with one error object (rate limit, batch too large).
            if let error = try errorObject(fields, method: method) { throw .rpc(method: method, error) }
            throw .malformedResponse(method: method, "expected a JSON array answering a batch of \(count), got an object")
        default:
            throw .malformedResponse(method: method, "expected a JSON array answering a batch of \(count), got \(preview(bytes))")
        }
        var outcomes = [Result<JSONValue, RPCErrorObject>?](repeating: nil, count: count)
        var unmatchedError: RPCErrorObject?
        for element in elements {
            guard case .object(let fields) = element else {
                throw .malformedResponse(method: method, "a batch element is not an object: \(describe(element))")
            }
            let error = try errorObject(fields, method: method)
            guard let rawID = fields["id"]?.intValue, rawID >= Int64(firstID), rawID < Int64(firstID + count) else {
                if let error, fields["id"]?.isNull ?? true {
                    unmatchedError = error
                    continue
                }
                throw .malformedResponse(method: method, "a batch element has id \(describe(fields["id"] ?? .null)), which was not requested")
            }
            let index = Int(rawID) - firstID
            guard outcomes[index] == nil else {
                throw .malformedResponse(method: method, "the batch answers id \(rawID) twice")
            }
            if let error {
                outcomes[index] = .failure(error)
            } else if let result = fields["result"] {
                outcomes[index] = .success(result)
            } else {
                throw .malformedResponse(method: method, "the answer to id \(rawID) has neither result nor error")
            }
        }
        var complete = [Result<JSONValue, RPCErrorObject>]()
        complete.reserveCapacity(count)
        for (index, outcome) in outcomes.enumerated() {
            guard let outcome else {
                if let unmatchedError { throw .rpc(method: method, unmatchedError) }
                let missing = outcomes.indices.filter { outcomes[$0] == nil }.count
                throw .malformedResponse(method: method, "the batch has no answer for id \(firstID + index) (\(missing) of \(count) missing)")
            }
            complete.append(outcome)
        }
        return complete
    }

    /// The `error` member, if present and not null.
    private static func errorObject(_ fields: [String: JSONValue], method: String) throws(ChainError) -> RPCErrorObject? {
        guard let value = fields["error"], !value.isNull else { return nil }
        guard case .object(let error) = value, let code = error["code"]?.intValue else {
            throw .malformedResponse(method: method, "the error member is not {code, message}: \(describe(value))")
        }
        return RPCErrorObject(code: Int(code), message: error["message"]?.stringValue ?? "", data: error["data"])
    }

    static func preview(_ bytes: [UInt8]) -> String {
        let text = String(decoding: bytes.prefix(120), as: UTF8.self)
        return bytes.count > 120 ? "\"\(text)…\"" : "\"\(text)\""
    }

    static func describe(_ value: JSONValue) -> String {
        preview(JSONWriter.bytes(value))
    }
}
