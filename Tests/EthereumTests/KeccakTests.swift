import XCTest
@testable import Ethereum

final class KeccakTests: XCTestCase {
    private struct KATFile: Decodable {
        struct Vector: Decodable { let lenBits: Int; let msg: String; let md: String }
        struct StringVector: Decodable { let text: String; let `repeat`: Int; let md: String }
        let shortMsgKat: [Vector]
        let longMsgKat: [Vector]
        let strings: [StringVector]
    }

    private func kat() throws -> KATFile { try Fixture.decode(KATFile.self, from: "keccak256") }

    func testMatchesKeccakTeamShortMessageKnownAnswers() throws {
        let file = try kat()
        XCTAssertEqual(file.shortMsgKat.count, 256)
        for vector in file.shortMsgKat {
            XCTAssertEqual(hexString(Keccak256.hash(bytes(vector.msg))), "0x" + vector.md, "Len = \(vector.lenBits)")
        }
    }

    func testMatchesKeccakTeamLongMessageKnownAnswers() throws {
        let file = try kat()
        XCTAssertEqual(file.longMsgKat.count, 65)
        for vector in file.longMsgKat {
            XCTAssertEqual(hexString(Keccak256.hash(bytes(vector.msg))), "0x" + vector.md, "Len = \(vector.lenBits)")
        }
    }

    func testMatchesPublishedStringDigestsIncludingOneMillionA() throws {
        let strings = try kat().strings
        XCTAssertEqual(strings.count, 5)
        for vector in strings {
            let message = Array(String(repeating: vector.text, count: vector.repeat).utf8)
            XCTAssertEqual(hexString(Keccak256.hash(message)), "0x" + vector.md, "\(vector.text.prefix(10)) × \(vector.repeat)")
        }
    }

    func testEmptyInputIsTheWellKnownEmptyHash() {
        XCTAssertEqual(hexString(Keccak256.hash([])), "0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470")
    }

    func testIncrementalHashingEqualsOneShotForEveryChunking() throws {
        let message = (0..<700).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
        let expected = Keccak256.hash(message)
        for chunk in [1, 7, 64, 135, 136, 137, 300, 700] {
            var hasher = Keccak256Hasher()
            var start = 0
            while start < message.count {
                let end = min(start + chunk, message.count)
                hasher.update(Array(message[start..<end]))
                start = end
            }
            XCTAssertEqual(hasher.finalize(), expected, "chunk \(chunk)")
        }
    }
}
