import ArgumentParser
import Foundation
import JSON
import OperatorCLI
import PaymentModel

struct EnqueueCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "enqueue",
        abstract: "Queue payments: one from flags, or many from a JSON-lines file or standard input.",
        discussion: """
            Examples:
              payctl enqueue --file payments.jsonl
              some-exporter | payctl enqueue --file -
              payctl enqueue --token 0xMINT --payment-token 0xUSDC --amount 1000 --quantity 1 \\
                  --recipient 0xBUYER --authorization '{"from":"0x…","to":"0x…","value":"1000",…}'

            Each line of a file is a JSON object: an enqueue request ({"payment":{…},"idempotency_key":"…"},
            with or without "cmd":"enqueue") or just the payment object. A file with a bad line is refused
            whole (exit status 2). Lines are sent pipelined over one connection; a progress bar with rate
            and ETA shows on a terminal (a line per tenth otherwise), and a summary ends the run. Running
            the same file again is safe: an idempotency key or an authorization is never queued twice.
            Exit status 1 when the daemon refused any payment (each is listed with its line number).
            """)

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var display: DisplayOptions

    @Option(help: ArgumentHelp("A file of payments, one JSON object per line; - for standard input.", valueName: "path"))
    var file: String?

    @Option(help: ArgumentHelp("What is bought: mint or deploy.", valueName: "type"))
    var type = "mint"

    @Option(help: ArgumentHelp("The mint token's address.", valueName: "address"))
    var token: String?

    @Option(name: .customLong("payment-token"), help: ArgumentHelp("The EIP-3009 token paid with (USDC).", valueName: "address"))
    var paymentToken: String?

    @Option(help: ArgumentHelp("The price in atomic units (1000000 = 1 USDC); see `payctl prices`.", valueName: "atomic"))
    var amount: String?

    @Option(help: ArgumentHelp("The buyer's signed EIP-3009 authorization as JSON (from, to, value, validAfter, validBefore, nonce, signature).",
                               valueName: "json"))
    var authorization: String?

    @Option(help: "How many items the payment buys.")
    var quantity: Int?

    @Option(help: ArgumentHelp("Who receives the minted tokens.", valueName: "address"))
    var recipient: String?

    @Option(name: .customLong("idempotency-key"), help: "The same key always names the same payment.")
    var idempotencyKey: String?

    @Option(help: "Requests in flight at once on the connection (the daemon reads 64 ahead).")
    var window = 64

    @Option(help: ArgumentHelp("Progress on standard error: auto (a bar on a terminal, a line per tenth otherwise), bar, lines or none.",
                               valueName: "mode"))
    var progress: ProgressMode = .auto

    /// Where progress goes: chosen by the terminal (auto), or forced.
    enum ProgressMode: String, ExpressibleByArgument, CaseIterable {
        case auto, bar, lines, none
    }

    private var hasPaymentFlags: Bool {
        token != nil || paymentToken != nil || amount != nil || authorization != nil || quantity != nil || recipient != nil
    }

    func validate() throws {
        if file != nil && hasPaymentFlags {
            throw ValidationError("Give either --file or the payment's flags, not both.")
        }
        guard (1...64).contains(window) else { throw ValidationError("--window must be from 1 to 64.") }
    }

    func run() async throws {
        let items = try readItems()
        let session = connection.session()
        if items.count == 1 && file == nil {
            try await enqueueOne(items[0], session: session)
        } else {
            try await enqueueMany(items, session: session)
        }
    }

    private func readItems() throws -> [EnqueueInput.Item] {
        if hasPaymentFlags {
            return [EnqueueInput.Item(line: 1, request: try requestFromFlags())]
        }
        let path = file ?? "-"
        if path == "-" && file == nil && isatty(0) == 1 {
            throw ValidationError("Give --file PATH, the payment's flags, or pipe payments on standard input (--file -).")
        }
        let text: String
        if path == "-" {
            text = String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
        } else {
            guard let data = FileManager.default.contents(atPath: path) else {
                throw ValidationError("Cannot read \(path): check the path and its permissions.")
            }
            text = String(decoding: data, as: UTF8.self)
        }
        switch EnqueueInput.parse(text) {
        case .success(let items):
            guard !items.isEmpty else { throw ValidationError("\(path) holds no payments.") }
            return items
        case .failure(let errors):
            let listed = errors.lines.prefix(20).map { "  line \($0.line): \($0.reason)" }.joined(separator: "\n")
            throw ValidationError("\(path) has \(errors.lines.count) line(s) that are not payments; nothing was enqueued:\n\(listed)")
        }
    }

    private func requestFromFlags() throws -> PaymentRequest {
        guard let authorization else { throw ValidationError("--authorization is required (the buyer's signed EIP-3009 authorization as JSON).") }
        let authorizationValue: JSONValue
        do {
            authorizationValue = try StrictJSONParser.parse(authorization)
        } catch {
            throw ValidationError("--authorization is not JSON: \(error)")
        }
        var payment: [String: JSONValue] = ["type": .string(type), "authorization": authorizationValue]
        if let token { payment["token"] = .string(token) }
        if let paymentToken { payment["payment_token"] = .string(paymentToken) }
        if let amount { payment["amount"] = .string(amount) }
        var metadata: [String: JSONValue] = [:]
        if let quantity { metadata["quantity"] = .int(Int64(quantity)) }
        if let recipient { metadata["recipient"] = .string(recipient) }
        payment["metadata"] = .object(metadata)
        var request: [String: JSONValue] = ["payment": .object(payment)]
        if let idempotencyKey { request["idempotency_key"] = .string(idempotencyKey) }
        switch EnqueueInput.request(from: .object(request)) {
        case .success(let request): return request
        case .failure(let reason): throw ValidationError("The payment is incomplete: \(reason.message)")
        }
    }

    private func enqueueOne(_ item: EnqueueInput.Item, session: DaemonSession) async throws {
        let result = try await session.send(.enqueue(item.request))
        if display.json {
            StandardOutput.out(JSONWriterText.lines([result]))
            return
        }
        let id = result["payment_id"]?.stringValue ?? "?"
        let status = result["status"]?.stringValue ?? "?"
        let duplicate = result["duplicate"]?.boolValue ?? false
        StandardOutput.out(duplicate ? "already queued: payment \(id) (\(status))\n" : "queued: payment \(id) (\(status))\n")
    }

    private func enqueueMany(_ items: [EnqueueInput.Item], session: DaemonSession) async throws {
        let started = Date()
        let reporter = ProgressReporter(total: items.count, mode: resolvedProgressMode, started: started)
        let outcomes = await EnqueueRun(window: window).run(items, client: session.client) { done in reporter.advance(done) }
        reporter.finish()
        await session.close()
        let summary = EnqueueSummary(items: items, outcomes: outcomes, seconds: Date().timeIntervalSince(started))
        if display.json {
            StandardOutput.out(JSONWriterText.lines(zip(items, outcomes).map { item, outcome in
                switch outcome {
                case .accepted(let result, _): result
                case .failed(let error): ["line": .int(Int64(item.line)), "error": ["code": .string(error.code), "message": .string(error.description)]]
                }
            }))
            StandardOutput.error(summary.render())
        } else {
            StandardOutput.out(summary.render())
        }
        if summary.exitStatus != .success {
            if summary.exitStatus == .unreachable { _ = session.report(.connectionFailed(path: session.socketPath, reason: "")) }
            throw PayctlFailure(summary.exitStatus)
        }
    }

    private var resolvedProgressMode: ProgressMode {
        guard progress == .auto else { return progress }
        return isatty(2) == 1 ? .bar : .lines
    }
}
