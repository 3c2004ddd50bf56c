import ChainClient
import Ethereum
@testable import SettlementEngine
import XCTest

/// The linked window of canonical headers the reorg watcher keeps.
final class CanonicalChainTests: XCTestCase {
    /// Headers `from...to` of one fork, each linked to the one below it.
    private func chain(_ range: ClosedRange<UInt64>, fork: UInt8 = 0, below: Bytes32? = nil) -> [BlockHeader] {
        var headers: [BlockHeader] = []
        var parent = below ?? Fixtures.hash(0)
        for number in range {
            let hash = try! Bytes32(bytes: [fork] + [UInt8](repeating: 0, count: 23) + withUnsafeBytes(of: number.bigEndian) { Array($0) })
            headers.append(Fixtures.header(number, hash: hash, parent: parent))
            parent = hash
        }
        return headers
    }

    func testHeadersThatExtendTheWindowLinkWithNoReplacement() {
        var window = CanonicalChain(capacity: 100)
        let first = chain(1...10)
        XCTAssertEqual(window.absorb(first), .linked(replacedFrom: nil))
        let next = chain(11...12, below: first.last!.hash)
        XCTAssertEqual(window.absorb(next), .linked(replacedFrom: nil))
        XCTAssertEqual(window.contains(number: 5, hash: first[4].hash), true)
        XCTAssertEqual(window.high, 12)
    }

    func testAReorgBelowTheHeadNeedsOlderHeadersThenReportsTheForkPoint() {
        var window = CanonicalChain(capacity: 100)
        let original = chain(1...10)
        _ = window.absorb(original)
        // Blocks 8... replaced: the new 11 does not link to the tracked 10.
        let fork = chain(8...11, fork: 1, below: original[6].hash)
        XCTAssertEqual(window.absorb(Array(fork.suffix(1))), .needsOlder)
        XCTAssertEqual(window.absorb(fork), .linked(replacedFrom: 8))
        XCTAssertEqual(window.contains(number: 9, hash: original[8].hash), false, "the old block 9 is gone")
        XCTAssertEqual(window.contains(number: 9, hash: fork[1].hash), true)
        XCTAssertEqual(window.contains(number: 7, hash: original[6].hash), true, "below the fork nothing changed")
    }

    func testAShorterChainOnAnotherForkRemovesTheHeightsAboveItsHead() {
        var window = CanonicalChain(capacity: 100)
        let original = chain(1...10)
        _ = window.absorb(original)
        let fork = chain(8...8, fork: 1, below: original[6].hash)
        XCTAssertEqual(window.absorb(fork), .linked(replacedFrom: 8))
        XCTAssertNil(window.contains(number: 10, hash: original[9].hash))
        XCTAssertEqual(window.contains(number: 8, hash: original[7].hash), false)
    }

    /// Found by reading (issue 16): a head that goes backwards (failover to a lagging endpoint)
    /// was taken for a reorg, orphaning recent settlements. A shorter head whose headers agree
    /// is a node behind: nothing tracked changes.
    func testAShorterHeadThatAgreesIsBehindNotAReorg() {
        var window = CanonicalChain(capacity: 100)
        let original = chain(1...10)
        _ = window.absorb(original)
        XCTAssertEqual(window.absorb([original[7]]), .behind)
        XCTAssertEqual(window.absorb(Array(original[5...7])), .behind)
        XCTAssertEqual(window.contains(number: 10, hash: original[9].hash), true, "heights above a lagging head are kept")
        XCTAssertEqual(window.high, 10)
        let next = chain(11...11, below: original[9].hash)
        XCTAssertEqual(window.absorb(next), .linked(replacedFrom: nil), "and the window goes on from where it was")
    }

    func testHeadersThatDoNotLinkAmongThemselvesAreRefused() {
        var window = CanonicalChain(capacity: 100)
        var headers = chain(1...3)
        headers[2] = Fixtures.header(3, hash: Fixtures.hash(0x33), parent: Fixtures.hash(0x99))
        XCTAssertEqual(window.absorb(headers), .inconsistent)
    }

    func testTheWindowKeepsOnlyItsCapacity() {
        var window = CanonicalChain(capacity: 5)
        let headers = chain(1...20)
        _ = window.absorb(headers)
        XCTAssertEqual(window.low, 16)
        XCTAssertNil(window.contains(number: 15, hash: headers[14].hash), "older than the window: looked up directly")
    }
}
