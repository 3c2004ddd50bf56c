import Foundation
import LineProtocolClient
import PaymentModel
import TestHarness
import XCTest

/// `rpc_urls` on the real daemon (issue 8, item 8): several endpoints configured, the one in
/// use shown by `stats`, and a payment settled after the preferred endpoint died.
final class RPCEndpointsDaemonTests: XCTestCase {
    /// Pins: `rpc_urls` with two front ends of the devchain, the first SIGKILLed. Before, the
    /// key did not exist (`unknown key rpc_urls`) and the one endpoint was a single point of failure.
    func testADaemonWithTwoEndpointsSettlesAfterThePreferredOneDiesAndSaysSoInStats() async throws {
        let node = try DaemonTestbed.sharedChain.get()
        let doomed = try TCPProxy(forwardingTo: node.deployment.port)
        let survivor = try TCPProxy(forwardingTo: node.deployment.port)
        let bed = try await DaemonTestbed(overrides: ["rpc_url": nil, "rpc_urls": "\(doomed.url), \(survivor.url)"])
        let daemon = try await bed.startDaemon()
        let client = bed.client()
        let first = try await client.stats()
        XCTAssertEqual(first.rpcEndpoints.map(\.url), [doomed.url, survivor.url])
        XCTAssertEqual(first.rpcEndpointInUse?.url, doomed.url)

        doomed.kill9()
        let payment = try await client.enqueue(try bed.request(buyer: try bed.buyerKey(3), quantity: 2))
        try await bed.wait("the payment to complete through the surviving endpoint", seconds: 120) {
            try await client.status(paymentID: payment.paymentID).status == .completed
        }
        let after = try await client.stats()
        XCTAssertEqual(after.rpcEndpointInUse?.url, survivor.url)
        XCTAssertNotEqual(after.rpcEndpoints.first?.health, .healthy)
        let raw = try await client.responseObject(forLine: "stats")
        XCTAssertEqual(raw["result"]?["rpc_endpoint"], .string(survivor.url), "the wire form names the endpoint in use")
        await client.close()
        let status = await daemon.terminate()
        XCTAssertEqual(status, 0, daemon.logTail())
    }
}
