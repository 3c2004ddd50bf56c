import Foundation
import XCTest
@testable import Ethereum

/// TransferWithAuthorization typed data against eth-account's encode_typed_data + sign_message.
final class EIP712Tests: XCTestCase {
    struct Vectors: Decodable {
        struct Domain: Decodable { let name: String; let version: String; let chainId: UInt64; let verifyingContract: String }
        struct Message: Decodable { let from: String; let to: String; let value: String; let validAfter: String; let validBefore: String; let nonce: String }
        struct Vector: Decodable {
            let domain: Domain
            let message: Message
            let privateKey: String
            let domainSeparator: String
            let structHash: String
            let digest: String
            let signature: String
            let v: UInt8
            let r: String
            let s: String
            let signer: String
            let highSSignature: String
        }
        let typeHashDomain: String
        let typeHashTransferWithAuthorization: String
        let vectors: [Vector]
    }

    static func vectors() throws -> Vectors { try Fixture.decode(Vectors.self, from: "eip712-transfer-with-authorization") }

    static func domain(_ d: Vectors.Domain) throws -> EIP712Domain {
        EIP712Domain(name: d.name, version: d.version, chainId: d.chainId, verifyingContract: try Address(hex: d.verifyingContract))
    }

    static func message(_ m: Vectors.Message) throws -> TransferWithAuthorization {
        TransferWithAuthorization(from: try Address(hex: m.from), to: try Address(hex: m.to),
                                  value: try UInt256(parsingDecimal: m.value), validAfter: try UInt256(parsingDecimal: m.validAfter),
                                  validBefore: try UInt256(parsingDecimal: m.validBefore), nonce: try Bytes32(hex: m.nonce))
    }

    func testTypeHashesMatch() throws {
        let file = try Self.vectors()
        XCTAssertEqual(EIP712Domain.typeHash.hex, file.typeHashDomain)
        XCTAssertEqual(TransferWithAuthorization.typeHash.hex, file.typeHashTransferWithAuthorization)
    }

    func testDomainSeparatorStructHashAndDigestMatchEthAccount() throws {
        let file = try Self.vectors()
        XCTAssertEqual(file.vectors.count, 12)
        for vector in file.vectors {
            let domain = try Self.domain(vector.domain)
            let message = try Self.message(vector.message)
            XCTAssertEqual(domain.separator.hex, vector.domainSeparator, vector.domain.name)
            XCTAssertEqual(message.structHash.hex, vector.structHash)
            XCTAssertEqual(message.digest(domain: domain).hex, vector.digest)
        }
    }

    func testSigningReproducesEthAccountSignatures() throws {
        for vector in try Self.vectors().vectors {
            let key = try PrivateKey(hex: vector.privateKey)
            let signature = key.sign(digest: try Bytes32(hex: vector.digest))
            XCTAssertEqual(signature.hex, vector.signature)
            XCTAssertEqual(signature.v, vector.v)
            XCTAssertEqual(signature.r.hex, vector.r)
            XCTAssertEqual(signature.s.hex, vector.s)
            XCTAssertEqual(key.address.checksummed, vector.signer)
        }
    }

    func testRecoversSignerFromHexAndFromVRS() throws {
        for vector in try Self.vectors().vectors {
            let domain = try Self.domain(vector.domain)
            let message = try Self.message(vector.message)
            let fromHex = try EthereumSignature(hex: vector.signature)
            let fromVRS = try EthereumSignature(v: String(vector.v), r: vector.r, s: vector.s)
            XCTAssertEqual(fromHex, fromVRS)
            XCTAssertEqual(try message.recoverSigner(signature: fromHex, domain: domain).checksummed, vector.signer)
        }
    }

    func testSignatureForAnotherDomainRecoversSomeoneElse() throws {
        let vector = try XCTUnwrap(Self.vectors().vectors.first)
        let message = try Self.message(vector.message)
        let wrongName = EIP712Domain(name: "USDC", version: vector.domain.version, chainId: vector.domain.chainId,
                                     verifyingContract: try Address(hex: vector.domain.verifyingContract))
        let recovered = try message.recoverSigner(signature: EthereumSignature(hex: vector.signature), domain: wrongName)
        XCTAssertNotEqual(recovered.checksummed, vector.signer)
    }

    func testAuthorizationDecodesFromX402JSON() throws {
        let json = """
        {"from":"0x2c7536E3605D9C16a7a3D7b1898e529396a65c23","to":"0x833589fcd6edb6e08f4c7c32d4f71b54bda02913",
         "value":"1000000","validAfter":"1700000000","validBefore":"1700000300",
         "nonce":"0x0000000000000000000000000000000000000000000000000000000000000001"}
        """
        let authorization = try JSONDecoder().decode(TransferWithAuthorization.self, from: Data(json.utf8))
        XCTAssertEqual(authorization.value, 1_000_000)
        XCTAssertEqual(authorization.to.checksummed, "0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913")
        XCTAssertEqual(authorization.nonce, Bytes32(UInt256(1)))
    }
}
