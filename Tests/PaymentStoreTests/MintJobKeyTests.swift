import Ethereum
import PaymentStore
import XCTest

/// The mint dedupe hash is the contract's exactly-once key: a change to its preimage (prefix,
/// separator, case, index format) would let a replayed completion mint again. Pinned against
/// literal values computed outside this code base: keccak256 of the preimage's UTF-8 bytes with
/// pycryptodome's `Crypto.Hash.keccak` (digest_bits=256) and, agreeing, eth-utils' `keccak`.
/// No database: pure code only.
final class MintJobKeyTests: XCTestCase {
    private static let paymentID = "8a7b6c5d-0000-4000-8000-000000000001"

    func testDedupeHashMatchesIndependentKeccakVectors() {
        // keccak256("paymentd:mint:8a7b6c5d-0000-4000-8000-000000000001:<index>")
        let vectors: [(index: Int, hash: String)] = [
            (0, "0x6ab6eda1fad021e090d01aea744e6da7f6f179c38b72602f31f8cd3eb2726ed9"),
            (1, "0xb8b650da65b181302e8785013c0ffe05d2408b349d7f6a74c6138db92f4bb0e8"),
            (10, "0xabf2a8f661f67afe69cd19902239dd10042bc4f24c1c6d3a1f36b0c72b2a1816"),
        ]
        for vector in vectors {
            XCTAssertEqual(MintJobKey.dedupeHash(paymentID: Self.paymentID, index: vector.index).hex, vector.hash, "index \(vector.index)")
        }
    }

    func testDedupeHashLowercasesThePaymentID() {
        XCTAssertEqual(MintJobKey.dedupeHash(paymentID: Self.paymentID.uppercased(), index: 0).hex,
                       "0x6ab6eda1fad021e090d01aea744e6da7f6f179c38b72602f31f8cd3eb2726ed9",
                       "the same payment in upper case is the same key")
    }

    func testANewMintJobCarriesItsDedupeHash() throws {
        let job = NewMintJob(paymentID: Self.paymentID, index: 1, payer: try Address(hex: "0x" + String(repeating: "11", count: 20)),
                             recipient: try Address(hex: "0x" + String(repeating: "22", count: 20)),
                             token: try Address(hex: "0x" + String(repeating: "44", count: 20)),
                             paymentTxHash: try Bytes32(hex: "0x" + String(repeating: "ab", count: 32)))
        XCTAssertEqual(job.dedupeHash.hex, "0xb8b650da65b181302e8785013c0ffe05d2408b349d7f6a74c6138db92f4bb0e8")
    }
}
