import XCTest
@testable import Ethereum

/// Calldata, return data and revert data against eth-abi / eth-utils.
final class ABITests: XCTestCase {
    private struct Vectors: Decodable {
        struct Selector: Decodable { let signature: String; let selector: String }
        struct Topic: Decodable { let signature: String; let topic: String }
        struct TransferWithAuthorization: Decodable {
            let from: String, to: String, value: String, validAfter: String, validBefore: String, nonce: String
            let v: UInt8, r: String, s: String, calldata: String
        }
        struct Mint: Decodable { let to: String; let txHash: String; let calldata: String }
        struct BatchMint: Decodable { let recipients: [String]; let txHashes: [String]; let calldata: String }
        struct AuthorizationState: Decodable { let authorizer: String; let nonce: String; let calldata: String }
        struct HasMinted: Decodable { let txHash: String; let calldata: String }
        struct BalanceOf: Decodable { let account: String; let calldata: String }
        struct NoArgument: Decodable { let signature: String; let calldata: String }
        struct ReturnBool: Decodable { let data: String; let value: Bool }
        struct ReturnUInt256: Decodable { let data: String; let value: String }
        struct Revert: Decodable {
            let data: String, kind: String
            let message: String?, panicCode: String?, selector: String?, arguments: String?
        }
        let selectors: [Selector]
        let eventTopics: [Topic]
        let transferWithAuthorization: [TransferWithAuthorization]
        let mint: [Mint]
        let batchMint: [BatchMint]
        let authorizationState: [AuthorizationState]
        let hasMinted: [HasMinted]
        let balanceOf: [BalanceOf]
        let noArgument: [NoArgument]
        let returnBool: [ReturnBool]
        let returnUint256: [ReturnUInt256]
        let reverts: [Revert]
    }

    private func vectors() throws -> Vectors { try Fixture.decode(Vectors.self, from: "abi") }

    /// `cases` if abi.json holds exactly `count` of them (the count the fixture has today):
    /// a fixture emptied or cut short fails here instead of running an empty loop.
    private func pinned<T>(_ cases: [T], _ count: Int, _ name: String, file: StaticString = #filePath, line: UInt = #line) throws -> [T] {
        XCTAssertEqual(cases.count, count, "abi.json \(name): \(cases.count) cases, expected \(count)", file: file, line: line)
        guard !cases.isEmpty else { throw FixtureEmpty(name: "abi.json " + name) }
        return cases
    }

    func testSelectorsMatchEthUtils() throws {
        let selectors = try vectors().selectors
        for vector in try pinned(selectors, 12, "selectors") {
            XCTAssertEqual(hexString(ABI.selector(vector.signature)), vector.selector, vector.signature)
        }
        let published = Dictionary(uniqueKeysWithValues: selectors.map { ($0.signature, $0.selector) })
        XCTAssertEqual(hexString(MintContractCalldata.alreadyMintedSelector), published["AlreadyMinted()"])
        XCTAssertEqual(hexString(MintContractCalldata.alreadyMintedWithHashSelector), published["AlreadyMinted(bytes32)"])
        XCTAssertEqual(hexString(RevertReason.errorSelector), published["Error(string)"])
        XCTAssertEqual(hexString(RevertReason.panicSelector), published["Panic(uint256)"])
    }

    func testEventTopicsMatchEthUtils() throws {
        let topics = Dictionary(uniqueKeysWithValues: try pinned(try vectors().eventTopics, 3, "event_topics").map { ($0.signature, $0.topic) })
        XCTAssertEqual(EventTopic.authorizationUsed.hex, topics["AuthorizationUsed(address,bytes32)"])
        XCTAssertEqual(EventTopic.transfer.hex, topics["Transfer(address,address,uint256)"])
        XCTAssertEqual(EventTopic.tokensMinted.hex, topics["TokensMinted(address,uint256,bytes32)"])
        XCTAssertEqual(EventTopic.transfer.hex, "0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef")
    }

    func testTransferWithAuthorizationCalldataMatchesEthAbi() throws {
        for vector in try pinned(try vectors().transferWithAuthorization, 4, "transfer_with_authorization") {
            let calldata = USDCCalldata.transferWithAuthorization(
                from: try Address(hex: vector.from), to: try Address(hex: vector.to),
                value: try UInt256(parsingDecimal: vector.value), validAfter: try UInt256(parsingDecimal: vector.validAfter),
                validBefore: try UInt256(parsingDecimal: vector.validBefore), nonce: try Bytes32(hex: vector.nonce),
                v: vector.v, r: try Bytes32(hex: vector.r), s: try Bytes32(hex: vector.s))
            XCTAssertEqual(hexString(calldata), vector.calldata)
        }
    }

    func testTransferWithAuthorizationFromTypedValuesUsesVAs27Or28() throws {
        let vector = try XCTUnwrap(EIP712Tests.vectors().vectors.first)
        let authorization = try EIP712Tests.message(vector.message)
        let signature = try EthereumSignature(hex: vector.signature)
        let calldata = USDCCalldata.transferWithAuthorization(authorization, signature: signature)
        XCTAssertEqual(calldata.count, 4 + 9 * 32)
        XCTAssertEqual(calldata[4 + 6 * 32 + 31], vector.v)
        XCTAssertEqual(Array(calldata[(4 + 7 * 32)..<(4 + 8 * 32)]), signature.r.bytes)
    }

    func testMintContractCalldataMatchesEthAbi() throws {
        let file = try vectors()
        for vector in try pinned(file.mint, 3, "mint") {
            XCTAssertEqual(hexString(MintContractCalldata.mint(to: try Address(hex: vector.to), txHash: try Bytes32(hex: vector.txHash))), vector.calldata)
        }
        XCTAssertEqual(file.batchMint.map(\.recipients.count), [0, 1, 3, 10])
        for vector in try pinned(file.batchMint, 4, "batch_mint") {
            let calldata = MintContractCalldata.batchMint(recipients: try vector.recipients.map { try Address(hex: $0) },
                                                          txHashes: try vector.txHashes.map { try Bytes32(hex: $0) })
            XCTAssertEqual(hexString(calldata), vector.calldata, "\(vector.recipients.count) recipients")
        }
        for vector in try pinned(file.hasMinted, 4, "has_minted") {
            XCTAssertEqual(hexString(MintContractCalldata.hasMinted(try Bytes32(hex: vector.txHash))), vector.calldata)
        }
        let noArgument = Dictionary(uniqueKeysWithValues: try pinned(file.noArgument, 2, "no_argument").map { ($0.signature, $0.calldata) })
        XCTAssertEqual(hexString(MintContractCalldata.mintAmount()), noArgument["mintAmount()"])
        XCTAssertEqual(hexString(MintContractCalldata.remainingSupply()), noArgument["remainingSupply()"])
    }

    func testUSDCViewCalldataMatchesEthAbi() throws {
        let file = try vectors()
        for vector in try pinned(file.authorizationState, 3, "authorization_state") {
            let calldata = USDCCalldata.authorizationState(authorizer: try Address(hex: vector.authorizer), nonce: try Bytes32(hex: vector.nonce))
            XCTAssertEqual(hexString(calldata), vector.calldata)
        }
        for vector in try pinned(file.balanceOf, 3, "balance_of") {
            XCTAssertEqual(hexString(USDCCalldata.balanceOf(try Address(hex: vector.account))), vector.calldata)
        }
    }

    func testDecodesReturnedBoolAndUInt256() throws {
        let file = try vectors()
        for vector in try pinned(file.returnBool, 2, "return_bool") {
            XCTAssertEqual(try ABI.decodeBool(bytes(vector.data)), vector.value)
        }
        for vector in try pinned(file.returnUint256, 5, "return_uint256") {
            XCTAssertEqual(try ABI.decodeUInt256(bytes(vector.data)).description, vector.value)
        }
    }

    func testRefusesReturnDataThatIsNotOneWordOrADirtyBool() {
        XCTAssertThrowsError(try ABI.decodeUInt256([])) { XCTAssertEqual(($0 as? EthereumError)?.code, "invalid_abi_data") }
        XCTAssertThrowsError(try ABI.decodeUInt256([UInt8](repeating: 0, count: 64)))
        XCTAssertThrowsError(try ABI.decodeBool(ABIWord.uint8(2))) { XCTAssertEqual(($0 as? EthereumError)?.code, "invalid_abi_data") }
    }

    func testDecodesRevertDataFromEthAbi() throws {
        let reverts = try pinned(try vectors().reverts, 10, "reverts")
        XCTAssertEqual(Dictionary(grouping: reverts, by: \.kind).mapValues(\.count), ["empty": 1, "error_string": 4, "panic": 3, "custom": 2],
                       "every kind of revert data is exercised")
        for vector in reverts {
            let reason = RevertReason(data: bytes(vector.data))
            switch vector.kind {
            case "empty":
                XCTAssertEqual(reason, .empty)
            case "error_string":
                XCTAssertEqual(reason, .error(try XCTUnwrap(vector.message)))
            case "panic":
                XCTAssertEqual(reason, .panic(try XCTUnwrap(UInt256(decimal: try XCTUnwrap(vector.panicCode)))))
            case "custom":
                XCTAssertEqual(reason, .custom(selector: bytes(try XCTUnwrap(vector.selector)), arguments: bytes(try XCTUnwrap(vector.arguments))))
            default:
                XCTFail("unknown kind \(vector.kind)")
            }
        }
    }

    func testRecognisesAlreadyMintedBySelector() throws {
        let hash = Bytes32.keccak256([7])
        let withHash = RevertReason(data: MintContractCalldata.alreadyMintedWithHashSelector + hash.bytes)
        XCTAssertEqual(withHash.selector, MintContractCalldata.alreadyMintedWithHashSelector)
        XCTAssertEqual(withHash, .custom(selector: MintContractCalldata.alreadyMintedWithHashSelector, arguments: hash.bytes))
        XCTAssertEqual(RevertReason(data: MintContractCalldata.alreadyMintedSelector).selector, MintContractCalldata.alreadyMintedSelector)
    }

    func testMalformedStandardRevertsKeepTheirRawBytes() {
        // Error(string) whose length word runs past the data.
        let truncated = RevertReason.errorSelector + ABIWord.uint256(32) + ABIWord.uint256(100) + [0x61]
        XCTAssertEqual(RevertReason(data: truncated), .custom(selector: RevertReason.errorSelector, arguments: Array(truncated[4...])))
        // Error(string) holding invalid UTF-8.
        let invalidUTF8 = RevertReason.errorSelector + ABIWord.uint256(32) + ABIWord.uint256(1) + [0xff] + [UInt8](repeating: 0, count: 31)
        XCTAssertEqual(RevertReason(data: invalidUTF8).selector, RevertReason.errorSelector)
        XCTAssertEqual(RevertReason(data: [0x08, 0xc3]), .unrecognized([0x08, 0xc3]))
    }
}
