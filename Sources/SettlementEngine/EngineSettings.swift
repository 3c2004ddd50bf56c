import Ethereum
import Logging
import PaymentModel

/// The live tunables, parsed from `system_settings`. Every loop reads the current value at the
/// start of each iteration, so `settings set` (or SIGHUP) changes behaviour without a restart.
public struct EngineSettings: Sendable, Equatable {
    public var paymentBatchIntervalMilliseconds = 2000
    public var paymentBatchSize = 100
    public var confirmationsRequired = 1
    public var confirmIntervalMilliseconds = 1000
    public var mintBatchSize = 50
    public var mintBatchIntervalSeconds = 2
    public var maxPendingPerPayer = 10
    public var minValiditySeconds = 30
    public var priorityFeeWei = UInt256(10_000_000)
    public var maxFeePerGasWei = UInt256(500_000_000_000)
    /// Most blocks one `eth_getLogs` spans (providers cap it; lowered further when one refuses).
    public var logRangeBlocks: UInt64 = 10_000
    public var transferGasLimit: UInt64 = 150_000
    public var maxInFlightPerSigner = 500
    public var simulateBeforeSend = true
    public var sendPacing = SendPacing.eager
    /// Most sent payments the confirm loop checks per iteration, oldest first; 0: every one.
    public var confirmBatchSize = 0
    public var rebroadcastAfterSeconds = 30
    public var feeBumpAfterSeconds = 60
    /// When a settlement (or a mined mint batch) stops being re-checked for reorgs.
    public var finality = Finality.depth(120)
    /// Blocks on top of a payment's settlement (counting its own) before its tokens are minted.
    public var mintConfirmations = 1
    /// How many times a payment whose own transaction reverted is signed again while its
    /// authorization stays unused (each retry costs gas).
    public var revertRetries = 2
    /// Whether enqueue reserves each mint token's remaining supply (refusing `sold_out`).
    public var reserveSupply = true
    /// The daemon's log level while set; nil: the configuration's `log_level`.
    public var logLevel: Logger.Level?

    public init() {}

    /// When the send loop runs its next batch.
    public enum SendPacing: String, Sendable, Equatable {
        /// At once on enqueue, and at once again after a full batch; else every interval.
        case eager
        /// Once per `payment_batch_interval_ms`, whatever happens in between: the replaced
        /// system's timer. It exists so a benchmark can run that system's settings on this engine.
        case interval
    }

    /// How deep a block must be before it is taken as final.
    public enum Finality: Sendable, Equatable {
        /// This many blocks on top, counting its own.
        case depth(Int)
        /// At or below the node's `finalized` block.
        case finalizedTag
    }

    /// One known key: its description, and how to validate and apply a value.
    struct Key: Sendable {
        let name: String
        let description: String
        let apply: @Sendable (inout EngineSettings, String) -> String?
    }

    static func integer(_ name: String, _ range: ClosedRange<Int>, _ description: String,
                        _ path: WritableKeyPath<EngineSettings, Int> & Sendable) -> Key {
        Key(name: name, description: description) { settings, text in
            guard let n = Int(text.trimmingCharacters(in: .whitespaces)), range.contains(n) else {
                return "must be an integer from \(range.lowerBound) to \(range.upperBound)"
            }
            settings[keyPath: path] = n
            return nil
        }
    }

    static func wei(_ name: String, _ description: String, _ path: WritableKeyPath<EngineSettings, UInt256> & Sendable) -> Key {
        Key(name: name, description: description) { settings, text in
            guard let n = UInt256(decimal: text.trimmingCharacters(in: .whitespaces)) else { return "must be a decimal number of wei" }
            settings[keyPath: path] = n
            return nil
        }
    }

    /// Every setting the engine understands. Other keys in the table (the replaced system's
    /// mint-side `retry_max_attempts`, say) are kept and shown but not interpreted.
    static let keys: [Key] = [
        integer("payment_batch_interval_ms", 50...600_000, "Longest idle wait of the send loop in milliseconds (it also wakes at once on enqueue)",
                \.paymentBatchIntervalMilliseconds),
        integer("payment_batch_size", 1...5000, "Most payments the send loop claims, signs and broadcasts per iteration", \.paymentBatchSize),
        integer("confirmations_required", 1...1000, "Blocks on top of a receipt (counting its own) before a payment is completed",
                \.confirmationsRequired),
        integer("confirm_interval_ms", 50...600_000, "Interval in milliseconds between receipt checks of every sent transaction",
                \.confirmIntervalMilliseconds),
        integer("max_batch_size", 1...500, "Most mint jobs per batchMint transaction", \.mintBatchSize),
        integer("batch_interval_seconds", 1...3600, "Seconds between batch mint operations when mint jobs wait", \.mintBatchIntervalSeconds),
        integer("max_pending_per_payer", 1...1_000_000, "Unsettled payments one payer may have before enqueue is refused", \.maxPendingPerPayer),
        integer("min_validity_seconds", 0...86_400, "An authorization must stay valid at least this many seconds after enqueue", \.minValiditySeconds),
        wei("priority_fee_wei", "Minimum priority fee (tip) per gas, in wei", \.priorityFeeWei),
        wei("max_fee_per_gas_wei", "Ceiling on maxFeePerGas; sending waits rather than paying more", \.maxFeePerGasWei),
        Key(name: "transfer_gas_limit", description: "Gas limit of a transferWithAuthorization transaction") { settings, text in
            guard let n = UInt64(text.trimmingCharacters(in: .whitespaces)), (50_000...1_000_000).contains(n) else {
                return "must be an integer from 50000 to 1000000"
            }
            settings.transferGasLimit = n
            return nil
        },
        integer("rebroadcast_after_seconds", 1...86_400,
                "A sent transaction the node no longer knows (dropped from its pool) is broadcast again after this many seconds",
                \.rebroadcastAfterSeconds),
        integer("fee_bump_after_seconds", 1...86_400,
                "A sent transaction still unmined this many seconds after its last signing is signed again with fees 12.5 % higher",
                \.feeBumpAfterSeconds),
        Key(name: "finality_depth",
            description: "Blocks (counting its own) before a settlement or mint batch is final and no longer re-checked for reorgs, or 'finalized' to use the node's finalized block") { settings, text in
            let value = text.trimmingCharacters(in: .whitespaces).lowercased()
            if value == "finalized" {
                settings.finality = .finalizedTag
            } else if let n = Int(value), (1...100_000).contains(n) {
                settings.finality = .depth(n)
            } else {
                return "must be an integer from 1 to 100000, or finalized"
            }
            return nil
        },
        integer("mint_confirmations", 1...100_000, "Blocks on top of a payment's settlement (counting its own) before its tokens are minted",
                \.mintConfirmations),
        integer("revert_retries", 0...20,
                "Times a payment whose own transaction reverted is signed again (after a backoff, with more gas if it ran out) while its authorization is unused; each retry costs gas. After that it is watched until the authorization expires",
                \.revertRetries),
        Key(name: "log_range_blocks",
            description: "Most blocks one eth_getLogs spans when searching for a used authorization (set it to your provider's cap; a refusal as too large halves it until restart)") { settings, text in
            guard let n = UInt64(text.trimmingCharacters(in: .whitespaces)), (1...1_000_000).contains(n) else {
                return "must be an integer from 1 to 1000000"
            }
            settings.logRangeBlocks = n
            return nil
        },
        integer("max_in_flight_per_signer", 1...10_000, "Most unconfirmed transactions one signer may have at once", \.maxInFlightPerSigner),
        Key(name: "simulate_before_send", description: "Simulate each transferWithAuthorization with eth_call before signing it") { settings, text in
            switch text.trimmingCharacters(in: .whitespaces).lowercased() {
            case "true", "1", "yes", "on": settings.simulateBeforeSend = true
            case "false", "0", "no", "off": settings.simulateBeforeSend = false
            default: return "must be true or false"
            }
            return nil
        },
        Key(name: "reserve_supply",
            description: "Refuse at enqueue (sold_out) a purchase its mint token's remainingSupply() cannot serve once every unsettled purchase is counted") { settings, text in
            switch text.trimmingCharacters(in: .whitespaces).lowercased() {
            case "true", "1", "yes", "on": settings.reserveSupply = true
            case "false", "0", "no", "off": settings.reserveSupply = false
            default: return "must be true or false"
            }
            return nil
        },
        Key(name: "send_pacing",
            description: "eager: the send loop wakes at once on enqueue and after a full batch; interval: one batch per payment_batch_interval_ms and nothing sooner (the replaced system's timer)") { settings, text in
            guard let pacing = SendPacing(rawValue: text.trimmingCharacters(in: .whitespaces).lowercased()) else {
                return "must be eager or interval"
            }
            settings.sendPacing = pacing
            return nil
        },
        Key(name: "log_level",
            description: "trace, debug, info, notice, warning, error or critical: what the daemon logs from now on, on every instance; default: the configuration's log_level") { settings, text in
            let value = text.trimmingCharacters(in: .whitespaces).lowercased()
            if value == "default" {
                settings.logLevel = nil
            } else if let level = Logger.Level(rawValue: value) {
                settings.logLevel = level
            } else {
                return "must be trace, debug, info, notice, warning, error, critical or default"
            }
            return nil
        },
        integer("confirm_batch_size", 0...100_000,
                "Most sent payments the confirm loop checks per iteration, oldest first; 0 checks every one (the replaced system checked 20)",
                \.confirmBatchSize),
    ]

    /// Parses the table's rows. An invalid stored value keeps the default and is reported, so a
    /// typo made directly in SQL cannot stop the daemon.
    public static func parse(_ rows: [String: String]) -> (settings: EngineSettings, problems: [String]) {
        var settings = EngineSettings()
        var problems: [String] = []
        for key in keys {
            guard let text = rows[key.name] else { continue }
            if let problem = key.apply(&settings, text) { problems.append("\(key.name)=\(text): \(problem)") }
        }
        return (settings, problems)
    }

    /// Checks one new value; returns the typed error `settings set` answers with.
    public static func validate(key: String, value: String) -> PaymentError? {
        guard let spec = keys.first(where: { $0.name == key }) else { return .unknownSetting(key) }
        var scratch = EngineSettings()
        if let problem = spec.apply(&scratch, value) { return .invalidSettingValue(key: key, value: value, reason: problem) }
        return nil
    }

    static func description(of key: String) -> String? {
        keys.first { $0.name == key }?.description
    }
}
