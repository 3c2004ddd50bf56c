import XCTest
@testable import Ethereum

/// Type-2 transactions against eth-account's sign_transaction.
final class EIP1559TransactionTests: XCTestCase {
    private struct Vectors: Decodable {
        struct Vector: Decodable {
            let privateKey: String
            let chainId: String, nonce: String, maxPriorityFeePerGas: String, maxFeePerGas: String, gasLimit: String
            let to: String?
            let value: String
            let data: String
            let signingHash: String, raw: String, hash: String
            let yParity: UInt8
            let r: String, s: String
            let sender: String
        }
        let vectors: [Vector]
    }

    private func vectors() throws -> [Vectors.Vector] { try Fixture.decode(Vectors.self, from: "eip1559-transactions").vectors }

    private func transaction(_ vector: Vectors.Vector) throws -> EIP1559Transaction {
        EIP1559Transaction(
            chainId: try XCTUnwrap(UInt64(vector.chainId)), nonce: try XCTUnwrap(UInt64(vector.nonce)),
            maxPriorityFeePerGas: try UInt256(parsingDecimal: vector.maxPriorityFeePerGas),
            maxFeePerGas: try UInt256(parsingDecimal: vector.maxFeePerGas),
            gasLimit: try XCTUnwrap(UInt64(vector.gasLimit)),
            to: try vector.to.map { try Address(hex: $0) },
            value: try UInt256(parsingDecimal: vector.value), data: bytes(vector.data))
    }

    func testSigningHashMatchesEthAccount() throws {
        let all = try vectors()
        XCTAssertEqual(all.count, 16)
        for vector in all {
            XCTAssertEqual(try transaction(vector).signingHash.hex, vector.signingHash, "nonce \(vector.nonce)")
        }
    }

    func testSignedRawBytesHashAndSignatureMatchEthAccount() throws {
        for vector in try vectors() {
            let signed = try transaction(vector).sign(with: PrivateKey(hex: vector.privateKey))
            XCTAssertEqual(signed.rawHex, vector.raw, "nonce \(vector.nonce)")
            XCTAssertEqual(signed.hash.hex, vector.hash)
            XCTAssertEqual(signed.signature.yParity, vector.yParity)
            XCTAssertEqual(signed.signature.r.hex, vector.r)
            XCTAssertEqual(signed.signature.s.hex, vector.s)
            XCTAssertEqual(signed.sender.checksummed, vector.sender)
        }
    }

    func testDecodeRoundTripsAndRecoversTheSender() throws {
        for vector in try vectors() {
            let decoded = try SignedTransaction.decode(rawHex: vector.raw)
            XCTAssertEqual(decoded.transaction, try transaction(vector))
            XCTAssertEqual(decoded.sender.checksummed, vector.sender)
            XCTAssertEqual(decoded.hash.hex, vector.hash)
            XCTAssertEqual(decoded.rawHex, vector.raw)
            XCTAssertEqual(decoded, try transaction(vector).sign(with: PrivateKey(hex: vector.privateKey)))
        }
    }

    func testFeeBumpKeepsNonceAndChangesHash() throws {
        let key = try PrivateKey(hex: "0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318")
        let original = EIP1559Transaction(chainId: 8453, nonce: 7, maxPriorityFeePerGas: 10_000_000, maxFeePerGas: 1_000_000_000,
                                          gasLimit: 150_000, to: .zero)
        var bumped = original
        bumped.maxPriorityFeePerGas = original.maxPriorityFeePerGas * 12 / 10
        bumped.maxFeePerGas = original.maxFeePerGas * 12 / 10
        let first = original.sign(with: key), second = bumped.sign(with: key)
        XCTAssertNotEqual(first.hash, second.hash)
        XCTAssertEqual(try SignedTransaction.decode(raw: second.raw).transaction.nonce, 7)
        XCTAssertEqual(try SignedTransaction.decode(raw: second.raw).transaction.maxFeePerGas, 1_200_000_000)
    }

    func testDecodeRefusesOtherTypesTruncationAndTrailingBytes() throws {
        let raw = bytes(try XCTUnwrap(vectors().first).raw)
        var legacy = raw
        legacy[0] = 0x01
        let cases: [(String, [UInt8])] = [
            ("empty", []),
            ("type 1", legacy),
            ("truncated", Array(raw.dropLast())),
            ("trailing byte", raw + [0x00]),
            ("no payload", [0x02]),
        ]
        for (name, input) in cases {
            XCTAssertThrowsError(try SignedTransaction.decode(raw: input), name) {
                XCTAssertEqual(($0 as? EthereumError)?.code, "invalid_transaction", name)
            }
        }
        XCTAssertThrowsError(try SignedTransaction.decode(rawHex: "0x02zz")) { XCTAssertEqual(($0 as? EthereumError)?.code, "invalid_transaction") }
    }

    func testDecodeRefusesNonCanonicalFieldsAndBadSignatures() throws {
        let vector = try XCTUnwrap(vectors().first(where: { $0.to != nil }))
        let fields = try RLP.decode(Array(bytes(vector.raw).dropFirst())).listValue("tx")
        func raw(replacing index: Int, with item: RLPItem) -> [UInt8] {
            var changed = fields
            changed[index] = item
            return [0x02] + RLP.encode(.list(changed))
        }
        let s = try fields[11].uint256Value("s")
        let highS = CurveOrder.n - s
        let cases: [(String, [UInt8])] = [
            ("nonce with leading zero", raw(replacing: 1, with: .bytes([0x00] + (try fields[1].bytesValue("nonce"))))),
            ("to of 19 bytes", raw(replacing: 5, with: .bytes([UInt8](repeating: 1, count: 19)))),
            ("non-empty access list", raw(replacing: 8, with: .list([.list([.bytes([UInt8](repeating: 1, count: 20)), .list([])])]))),
            ("y parity 2", raw(replacing: 9, with: .uint(UInt64(2)))),
            ("y parity encoded as 0x00", raw(replacing: 9, with: .bytes([0x00]))),
            ("zero r", raw(replacing: 10, with: .uint(UInt64(0)))),
            ("high s", raw(replacing: 11, with: .uint(highS))),
            ("chain id wider than 64 bits", raw(replacing: 0, with: .bytes([UInt8](repeating: 1, count: 9)))),
            ("eleven fields", [0x02] + RLP.encode(.list(Array(fields.dropLast())))),
        ]
        for (name, input) in cases {
            XCTAssertThrowsError(try SignedTransaction.decode(raw: input), name) {
                XCTAssertEqual(($0 as? EthereumError)?.code, "invalid_transaction", name)
            }
        }
    }

    func testTamperedFieldRecoversADifferentSender() throws {
        let vector = try XCTUnwrap(vectors().first)
        var fields = try RLP.decode(Array(bytes(vector.raw).dropFirst())).listValue("tx")
        fields[1] = .uint(UInt64(99))
        if let decoded = try? SignedTransaction.decode(raw: [0x02] + RLP.encode(.list(fields))) {
            XCTAssertNotEqual(decoded.sender.checksummed, vector.sender)
        }
    }
}
