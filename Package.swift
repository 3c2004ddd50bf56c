// swift-tools-version:6.0
// The target graph is the architecture (see README "Layout"):
// C modules -> thin Swift wrappers -> Ethereum primitives -> store / chain client -> engine
// -> line protocol (codec without NIO, NIO framing, then server and client apart) -> executables.
// Nothing imports upward; programs other than the daemon link the client, never the server.
import PackageDescription

let package = Package(
    name: "paymentd",
    platforms: [.macOS(.v15)],
    products: [],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        // mint-server's HTTP front (issue 11).
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
    ],
    targets: [
        // MARK: C system libraries (Debian -dev packages, found through pkg-config)
        .systemLibrary(name: "CLibPQ", pkgConfig: "libpq", providers: [.apt(["libpq-dev"])]),
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        .systemLibrary(name: "CSecp256k1", pkgConfig: "libsecp256k1", providers: [.apt(["libsecp256k1-dev"])]),
        .systemLibrary(name: "CSystemd", pkgConfig: "libsystemd", providers: [.apt(["libsystemd-dev"])]),
        // curl_easy_setopt/getinfo are variadic: typed C wrappers, nothing else.
        .target(name: "CCurlShim", dependencies: ["CCurl"]),

        // MARK: Shared vocabulary (no dependencies)
        .target(name: "ErrorCoding"),
        .target(name: "JSON"),

        // A serial executor on a thread of its own, for actors that own a blocking C handle.
        .target(name: "ThreadExecutor"),

        // MARK: Thin Swift wrappers: the only code that touches C pointers
        .target(name: "Postgres", dependencies: ["CLibPQ", "ErrorCoding", "ThreadExecutor"]),
        .target(name: "HTTPPost", dependencies: ["CCurl", "CCurlShim", "ErrorCoding", "ThreadExecutor"]),
        .target(name: "Secp256k1", dependencies: ["CSecp256k1", "ErrorCoding"]),
        .target(name: "Systemd", dependencies: ["CSystemd", "ErrorCoding"]),

        // MARK: Logs the journal can filter: sd-daemon(3) priorities under journald, one live level
        .target(name: "JournalLog", dependencies: [
            .product(name: "Logging", package: "swift-log"),
        ]),

        // MARK: Ethereum primitives (pure Swift above the secp256k1 wrapper)
        .target(name: "Ethereum", dependencies: ["Secp256k1", "ErrorCoding"]),

        // MARK: The domain's value types and the service seam between engine and protocol
        .target(name: "PaymentModel", dependencies: ["ErrorCoding", "JSON"]),

        // MARK: Chain client: typed JSON-RPC over the HTTP POST wrapper
        .target(name: "ChainClient", dependencies: ["HTTPPost", "JSON", "Ethereum", "ErrorCoding"]),

        // MARK: Store
        .target(name: "PaymentStore", dependencies: ["Postgres", "Ethereum", "ErrorCoding", "PaymentModel", "JSON"]),

        // MARK: Engine: the send, confirm and mint loops and the PaymentService they implement
        .target(name: "SettlementEngine", dependencies: [
            "PaymentStore", "ChainClient", "Ethereum", "PaymentModel", "Postgres", "JSON", "ErrorCoding",
            .product(name: "Logging", package: "swift-log"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        ]),

        // MARK: Line protocol: NDJSON over a Unix socket (spec in protocol/)
        // The bytes of the protocol and nothing of sockets: framing, requests, responses,
        // results, errors, watch events. No NIO.
        .target(name: "LineProtocolCodec", dependencies: ["PaymentModel", "JSON", "ErrorCoding"]),
        // The codec's framing as a swift-nio decoder, for the server and the client alike.
        .target(name: "LineProtocolNIO", dependencies: [
            "LineProtocolCodec",
            .product(name: "NIOCore", package: "swift-nio"),
        ]),
        // The daemon's side: listener, sessions, pipelining, peer credentials, admin policy.
        .target(name: "LineProtocolServer", dependencies: [
            "LineProtocolCodec", "LineProtocolNIO", "PaymentModel", "JSON", "ErrorCoding",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        // Every other program's side (payctl, paymentd-health, mint-server, the demo): never the server.
        .target(name: "LineProtocolClient", dependencies: [
            "LineProtocolCodec", "LineProtocolNIO", "PaymentModel", "JSON", "ErrorCoding",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
        ]),

        // MARK: The daemon: configuration, systemd glue, and the engine behind the socket
        .target(name: "PaymentDaemon", dependencies: [
            "SettlementEngine", "LineProtocolServer", "Systemd", "Ethereum", "PaymentModel", "JournalLog",
            .product(name: "Logging", package: "swift-log"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "UnixSignals", package: "swift-service-lifecycle"),
        ]),

        // MARK: Executables (thin: parse arguments, build the services, run them)
        .executableTarget(name: "paymentd", dependencies: [
            "PaymentDaemon", "SettlementEngine", "JournalLog",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Logging", package: "swift-log"),
        ]),

        .executableTarget(name: "paymentd-demo", dependencies: [
            "LineProtocolClient", "ChainClient", "Ethereum", "PaymentModel", "JSON", "X402Buyer",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        // A measurement, not a test: the chain client's decode of a 500-receipt batch answer.
        .executableTarget(name: "rpc-decode-benchmark", dependencies: ["ChainClient"]),

        // MARK: Operator programs: payctl and paymentd-health (the client, never the server)
        // The operator's toolkit both programs share: where the socket is and why it cannot be
        // used, exit codes and the command runner that keeps them, tables, colours, amounts,
        // durations, and payctl's renderings.
        .target(name: "OperatorCLI", dependencies: [
            "LineProtocolClient", "LineProtocolCodec", "PaymentModel", "JSON", "ErrorCoding",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        // paymentd-health's judgement: facts from `stats` in, status, summary, perfdata and the
        // Prometheus textfile out; pure, tested without a daemon.
        .target(name: "HealthCheck", dependencies: [
            "OperatorCLI", "LineProtocolClient", "LineProtocolCodec", "PaymentModel", "JSON",
        ]),
        // payctl migrate / check-upgrade: the daemon's migrations and a read-only survey of a
        // replaced system's database.
        .target(name: "SchemaUpgrade", dependencies: ["PaymentStore", "Postgres", "ErrorCoding"]),
        .executableTarget(name: "payctl", dependencies: [
            "OperatorCLI", "SchemaUpgrade", "LineProtocolClient", "LineProtocolCodec", "PaymentModel", "JSON",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .executableTarget(name: "paymentd-health", dependencies: [
            "HealthCheck", "OperatorCLI", "LineProtocolClient", "JSON",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        // MARK: Test support (throwaway Postgres cluster, devchain process, the daemon process)
        .target(name: "TestHarness", dependencies: ["Postgres", "JSON"]),
        // For tests of the protocol and of its future clients: transcripts and their matching,
        // raw connections, and a ProtocolServer in front of an in-memory PaymentService.
        .target(name: "LineProtocolTesting", dependencies: [
            "LineProtocolCodec", "LineProtocolServer", "LineProtocolClient", "PaymentModel", "JSON", "TestHarness",
        ]),

        // Signs EIP-3009 authorizations as an x402 buyer's client does (demo, drills, tests), and
        // turns a 402 challenge into the payment header that answers it.
        .target(name: "X402Buyer", dependencies: ["Ethereum", "PaymentModel", "X402", "JSON"]),

        // MARK: mint-server: the keyless x402 HTTP front (issue 11)
        // x402's wire formats, v1 and v2: requirements, payloads, base64 headers, receipts,
        // facilitator bodies and error reasons. No HTTP server, no socket.
        .target(name: "X402", dependencies: ["PaymentModel", "JSON", "ErrorCoding", "Ethereum"]),
        // Routes, handlers, configuration and the logic behind them; paymentd only through the client.
        .target(name: "MintServer", dependencies: [
            "X402", "LineProtocolClient", "LineProtocolCodec", "PaymentModel", "Ethereum", "JSON", "ErrorCoding",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "HTTPTypes", package: "swift-http-types"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        .executableTarget(name: "mint-server", dependencies: [
            "MintServer", "JournalLog",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        // A buyer for the demo and the benchmark: 402, sign, pay, follow to completion.
        .executableTarget(name: "x402-buy", dependencies: [
            "X402Buyer", "X402", "Ethereum", "JSON",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        // A measurement, not a test: 402 challenges/s and paid requests/s through mint-server
        // against paymentd's direct socket enqueue rate, on a throwaway devchain and database.
        .executableTarget(name: "mint-server-benchmark", dependencies: [
            "TestHarness", "LineProtocolClient", "X402Buyer", "X402", "Ethereum", "PaymentModel", "JSON",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        // MARK: The reliability drill: faults while payments flow, then the ledger audited against the chain
        .target(name: "ChaosDrill", dependencies: ["TestHarness", "LineProtocolClient", "X402Buyer", "Ethereum", "PaymentModel", "PaymentStore", "Postgres", "JSON"]),
        .executableTarget(name: "paymentd-chaos", dependencies: [
            "ChaosDrill", "JSON",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        // MARK: The benchmark: the whole system measured against the devchain's own ceiling
        .target(name: "PaymentBench", dependencies: [
            "TestHarness", "LineProtocolClient", "X402Buyer", "X402", "ChainClient", "Ethereum", "PaymentModel", "Postgres", "JSON",
        ]),
        .executableTarget(name: "paymentd-bench", dependencies: [
            "PaymentBench", "JSON",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        // MARK: Tests, one per target
        .testTarget(name: "JSONTests", dependencies: ["JSON"]),
        .testTarget(name: "TestHarnessTests", dependencies: ["TestHarness"]),
        .testTarget(name: "Secp256k1Tests", dependencies: ["Secp256k1"]),
        .testTarget(name: "EthereumTests", dependencies: ["Ethereum"], resources: [.copy("Fixtures")]),
        .testTarget(name: "PostgresTests", dependencies: ["Postgres", "TestHarness"]),
        .testTarget(name: "HTTPPostTests", dependencies: ["HTTPPost"]),
        .testTarget(name: "SystemdTests", dependencies: ["Systemd"]),
        .testTarget(name: "JournalLogTests", dependencies: [
            "JournalLog",
            .product(name: "Logging", package: "swift-log"),
        ]),
        .testTarget(name: "LineProtocolCodecTests", dependencies: [
            "LineProtocolCodec", "LineProtocolTesting", "PaymentModel", "JSON", "TestHarness",
        ]),
        .testTarget(name: "LineProtocolServerTests", dependencies: [
            "LineProtocolServer", "LineProtocolCodec", "LineProtocolClient", "LineProtocolTesting", "PaymentModel", "JSON", "TestHarness",
        ]),
        .testTarget(name: "LineProtocolClientTests", dependencies: [
            "LineProtocolClient", "LineProtocolCodec", "LineProtocolTesting", "PaymentModel", "JSON",
        ]),
        .testTarget(name: "LineProtocolTestingTests", dependencies: ["LineProtocolTesting", "JSON"]),
        .testTarget(name: "ChainClientTests", dependencies: ["ChainClient", "Ethereum", "TestHarness", "JSON"]),
        .testTarget(name: "SettlementEngineTests", dependencies: [
            "SettlementEngine", "TestHarness", "ChainClient", "Ethereum", "PaymentStore", "Postgres", "PaymentModel", "JSON",
        ]),
        .testTarget(name: "PaymentDaemonTests", dependencies: [
            "PaymentDaemon", "LineProtocolClient", "LineProtocolCodec", "LineProtocolTesting", "TestHarness", "Ethereum",
            "PaymentModel", "JSON", "Postgres", "PaymentStore",
        ]),
        .testTarget(name: "OperatorCLITests", dependencies: [
            "OperatorCLI", "LineProtocolClient", "LineProtocolCodec", "PaymentModel", "JSON",
        ]),
        .testTarget(name: "HealthCheckTests", dependencies: ["HealthCheck", "OperatorCLI", "PaymentModel", "JSON"]),
        .testTarget(name: "SchemaUpgradeTests", dependencies: ["SchemaUpgrade", "PaymentStore", "Postgres", "TestHarness"]),
        // payctl and paymentd-health as binaries against a real daemon, devchain and PostgreSQL.
        .testTarget(name: "OperatorProgramsTests", dependencies: [
            "TestHarness", "LineProtocolClient", "LineProtocolCodec", "X402Buyer", "Ethereum", "PaymentModel", "JSON", "Postgres",
        ]),
        .testTarget(name: "X402Tests", dependencies: ["X402", "X402Buyer", "Ethereum", "PaymentModel", "JSON"]),
        .testTarget(name: "MintServerTests", dependencies: [
            "MintServer", "X402", "X402Buyer", "LineProtocolClient", "LineProtocolTesting", "TestHarness", "Ethereum",
            "PaymentModel", "JSON",
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        // What ships besides the code: the systemd units (systemd-analyze), the install into a
        // DESTDIR, and the operator guide's commands, each traced to what exercises it.
        .testTarget(name: "PackagingTests", dependencies: ["TestHarness"]),
        // The engine's planners, without a database or a chain.
        .testTarget(name: "SettlementPlannerTests", dependencies: ["SettlementEngine", "ChainClient", "Ethereum", "PaymentStore", "PaymentModel"]),
        .testTarget(name: "PaymentBenchTests", dependencies: ["PaymentBench", "JSON", "TestHarness"]),
        .testTarget(name: "PaymentStoreTests", dependencies: ["PaymentStore", "TestHarness", "Postgres", "PaymentModel", "JSON", "Ethereum"],
                    exclude: ["Fixtures"]),
        // The chaos drill's ledger audit: its judge on planted facts, and against a real ledger
        // with violations planted in the database and on the chain.
        .testTarget(name: "ChaosDrillTests", dependencies: [
            "ChaosDrill", "TestHarness", "Ethereum", "PaymentModel", "Postgres", "JSON", "LineProtocolClient",
        ]),
    ]
)
