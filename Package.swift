// swift-tools-version:6.0
// The target graph is the architecture (see README "Layout"):
// C modules -> thin Swift wrappers -> Ethereum primitives -> store / chain client -> engine
// -> line protocol -> executables. Nothing imports upward.
import PackageDescription

let package = Package(
    name: "paymentd",
    platforms: [.macOS(.v15)],
    products: [],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
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
        ]),

        // MARK: Line protocol: NDJSON over a Unix socket (spec in protocol/)
        .target(name: "LineProtocol", dependencies: [
            "PaymentModel", "JSON", "ErrorCoding",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "Logging", package: "swift-log"),
        ]),

        // MARK: The daemon: configuration, systemd glue, and the engine behind the socket
        .target(name: "PaymentDaemon", dependencies: [
            "SettlementEngine", "LineProtocol", "Systemd", "Ethereum", "PaymentModel",
            .product(name: "Logging", package: "swift-log"),
        ]),

        // MARK: Executables (thin: parse arguments, build the services, run them)
        .executableTarget(name: "paymentd", dependencies: [
            "PaymentDaemon", "SettlementEngine",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Logging", package: "swift-log"),
        ]),

        .executableTarget(name: "paymentd-demo", dependencies: [
            "LineProtocol", "ChainClient", "Ethereum", "PaymentModel", "JSON", "X402Buyer",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        // MARK: Test support (throwaway Postgres cluster, devchain process)
        .target(name: "TestHarness", dependencies: ["Postgres", "JSON", "LineProtocol"]),

        // Signs EIP-3009 authorizations as an x402 buyer's client does (demo, drills, tests).
        .target(name: "X402Buyer", dependencies: ["Ethereum", "PaymentModel"]),

        // MARK: The reliability drill: faults while payments flow, then the ledger audited against the chain
        .target(name: "ChaosDrill", dependencies: ["TestHarness", "LineProtocol", "X402Buyer", "Ethereum", "PaymentModel", "Postgres", "JSON"]),
        .executableTarget(name: "paymentd-chaos", dependencies: [
            "ChaosDrill", "JSON",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        // MARK: Tests, one per target
        .testTarget(name: "Secp256k1Tests", dependencies: ["Secp256k1"]),
        .testTarget(name: "EthereumTests", dependencies: ["Ethereum"], resources: [.copy("Fixtures")]),
        .testTarget(name: "PostgresTests", dependencies: ["Postgres", "TestHarness"]),
        .testTarget(name: "HTTPPostTests", dependencies: ["HTTPPost"]),
        .testTarget(name: "SystemdTests", dependencies: ["Systemd"]),
        .testTarget(name: "LineProtocolTests", dependencies: ["LineProtocol", "PaymentModel", "JSON", "TestHarness"]),
        .testTarget(name: "ChainClientTests", dependencies: ["ChainClient", "Ethereum", "TestHarness", "JSON"]),
        .testTarget(name: "SettlementEngineTests", dependencies: [
            "SettlementEngine", "TestHarness", "ChainClient", "Ethereum", "PaymentStore", "Postgres", "PaymentModel", "JSON",
        ]),
        .testTarget(name: "PaymentDaemonTests", dependencies: [
            "PaymentDaemon", "LineProtocol", "TestHarness", "Ethereum", "PaymentModel", "JSON", "Postgres", "PaymentStore",
        ]),
        .testTarget(name: "PaymentStoreTests", dependencies: ["PaymentStore", "TestHarness", "Postgres", "PaymentModel", "JSON"],
                    exclude: ["Fixtures"]),
    ]
)
