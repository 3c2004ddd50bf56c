import JSON
import LineProtocolCodec
import LineProtocolTesting
import PaymentModel
import XCTest

final class RequestParsingTests: XCTestCase {
    private func parse(_ line: String) throws -> ProtocolRequest? {
        try ProtocolRequest.parse(line: Array(line.utf8))
    }

    private func rejection(_ line: String, file: StaticString = #filePath, line number: UInt = #line) -> RejectedRequest? {
        do {
            let request = try ProtocolRequest.parse(line: Array(line.utf8))
            XCTFail("accepted \(line) as \(String(describing: request))", file: file, line: number)
            return nil
        } catch {
            return error
        }
    }

    private func assertInvalidArgument(_ line: String, field: String, file: StaticString = #filePath, line number: UInt = #line) {
        guard let rejected = rejection(line, file: file, line: number) else { return }
        XCTAssertEqual(rejected.error.code, "invalid_arguments", file: file, line: number)
        if case .invalidArguments(let actualField, _) = rejected.error {
            XCTAssertEqual(actualField, field, file: file, line: number)
        }
        XCTAssertTrue(rejected.error.description.contains(field), file: file, line: number)
    }

    // MARK: Every command round-trips through its wire form

    func testEveryCommandRoundTripsThroughItsWireForm() throws {
        let id = "0b6f1c5e-3f0a-4d7e-9a43-2f1d9c1e7b55"
        var vrs = ProtocolSample.paymentRequest(key: "order-7")
        vrs.authorization.signature = nil
        vrs.authorization.v = "27"
        vrs.authorization.r = "0x" + String(repeating: "01", count: 32)
        vrs.authorization.s = "0x" + String(repeating: "02", count: 32)
        var urgent = ProtocolSample.paymentRequest()
        urgent.signFirst = true
        let commands: [ProtocolCommand] = [
            .enqueue(ProtocolSample.paymentRequest()), .enqueue(vrs), .enqueue(urgent),
            .pricesSet(PriceOverride(product: "deploy", paymentToken: "0x3333333333333333333333333333333333333333", unitPrice: "5", maxQuantity: 1)),
            .pricesUnset(product: "0x4444444444444444444444444444444444444444"), .status(paymentID: id), .stats, .stop, .ping, .version,
            .list(PaymentListFilter()), .list(PaymentListFilter(status: .confirmationFailed, payer: ProtocolSample.payer, limit: 1000)),
            .retry(paymentID: id), .cancel(paymentID: id), .settingsGet, .settingsSet(key: "payment_batch_size", value: "50"),
            .watch(paymentID: nil), .watch(paymentID: id), .prices,
        ]
        for (index, command) in commands.enumerated() {
            let request = ProtocolRequest(id: .int(Int64(index)), command: command)
            let line = String(decoding: request.line, as: UTF8.self)
            XCTAssertTrue(line.hasSuffix("\n"))
            XCTAssertEqual(try parse(String(line.dropLast())), request, line)
        }
    }

    func testDesignDocumentEnqueueShapeParsesExactly() throws {
        let line = #"{"id":1,"cmd":"enqueue","payment":{"type":"mint","token":"0x4444444444444444444444444444444444444444","payment_token":"0x3333333333333333333333333333333333333333","amount":"1000000","authorization":{"from":"0x1111111111111111111111111111111111111111","to":"0x2222222222222222222222222222222222222222","value":"1000000","validAfter":"0","validBefore":"4102444800","nonce":"0x0a0a","signature":"0xab"},"metadata":{"quantity":1,"recipient":"0x1111111111111111111111111111111111111111"}},"idempotency_key":"k-1"}"#
        let request = try XCTUnwrap(try parse(line))
        XCTAssertEqual(request.id, 1)
        guard case .enqueue(let payment) = request.command else { return XCTFail("not an enqueue") }
        XCTAssertEqual(payment.type, .mint)
        XCTAssertEqual(payment.token, "0x4444444444444444444444444444444444444444")
        XCTAssertEqual(payment.paymentToken, "0x3333333333333333333333333333333333333333")
        XCTAssertEqual(payment.amount, "1000000")
        XCTAssertEqual(payment.authorization.validBefore, "4102444800")
        XCTAssertEqual(payment.authorization.signature, "0xab")
        XCTAssertEqual(payment.metadata, ["quantity": 1, "recipient": "0x1111111111111111111111111111111111111111"])
        XCTAssertEqual(payment.idempotencyKey, "k-1")
        XCTAssertFalse(payment.signFirst, "sign_first defaults to false")
    }

    func testPricesSetAndUnsetHaveBareWordsAndCheckTheirForms() throws {
        let token = "0x4444444444444444444444444444444444444444", usdc = "0x3333333333333333333333333333333333333333"
        XCTAssertEqual(try parse("prices set \(token) \(usdc) 2000 10")?.command,
                       .pricesSet(PriceOverride(product: token, paymentToken: usdc, unitPrice: "2000", maxQuantity: 10)))
        XCTAssertEqual(try parse("prices unset deploy")?.command, .pricesUnset(product: "deploy"))
        XCTAssertEqual(try parse("prices")?.command, .prices)
        XCTAssertTrue(ProtocolCommand.pricesSet(PriceOverride(product: token, paymentToken: usdc, unitPrice: "1", maxQuantity: 1)).requiresAdmin)
        XCTAssertFalse(ProtocolCommand.prices.requiresAdmin)
        assertInvalidArgument(#"{"cmd":"prices","action":"set","product":"0x12","payment_token":"\#(usdc)","unit_price":"1","max_quantity":1}"#,
                              field: "product")
        assertInvalidArgument(#"{"cmd":"prices","action":"set","product":"deploy","payment_token":"\#(usdc)","unit_price":1,"max_quantity":1}"#,
                              field: "unit_price")
        assertInvalidArgument(#"{"cmd":"prices","action":"set","product":"deploy","payment_token":"\#(usdc)","unit_price":"1","max_quantity":0}"#,
                              field: "max_quantity")
        assertInvalidArgument(#"{"cmd":"prices","action":"raise"}"#, field: "action")
    }

    func testSignFirstIsABooleanBesideThePayment() throws {
        let line = ProtocolSample.enqueueLine().replacingOccurrences(of: #""cmd":"enqueue","#, with: #""cmd":"enqueue","sign_first":true,"#)
        guard case .enqueue(let payment)? = try parse(line)?.command else { return XCTFail("not an enqueue: \(line)") }
        XCTAssertTrue(payment.signFirst)
        assertInvalidArgument(line.replacingOccurrences(of: #""sign_first":true"#, with: #""sign_first":"yes""#), field: "sign_first")
    }

    func testAuthorizationNumbersMayBeJSONIntegersAndVMayBeANumber() throws {
        let line = #"{"cmd":"enqueue","payment":{"type":"deploy","payment_token":"0x33","amount":"5","authorization":{"from":"0x11","to":"0x22","value":5,"validAfter":0,"validBefore":4102444800,"nonce":"0x0a","v":28,"r":"0x01","s":"0x02"}}}"#
        guard case .enqueue(let payment)? = try parse(line)?.command else { return XCTFail("not an enqueue") }
        XCTAssertEqual(payment.authorization.value, "5")
        XCTAssertEqual(payment.authorization.validBefore, "4102444800")
        XCTAssertEqual(payment.authorization.v, "28")
        XCTAssertNil(payment.token)
        XCTAssertEqual(payment.metadata, [:])
        XCTAssertNil(payment.idempotencyKey)
    }

    func testUnknownFieldsAreIgnoredEverywhere() throws {
        let request = try XCTUnwrap(try parse(#"{"id":"a","cmd":"list","limit":5,"colour":"blue","future":{"x":[1]}}"#))
        XCTAssertEqual(request.command, .list(PaymentListFilter(limit: 5)))
        var line = ProtocolSample.enqueueLine()
        line = line.replacingOccurrences(of: #""amount":"#, with: #""extra":[1,2],"amount":"#)
        XCTAssertNotNil(try parse(line))
    }

    // MARK: Wrong types name the field

    func testWrongTypesInEnqueueNameTheField() {
        let valid = ProtocolSample.enqueueLine()
        assertInvalidArgument(valid.replacingOccurrences(of: #""amount":"1000000""#, with: #""amount":1000000"#), field: "payment.amount")
        assertInvalidArgument(valid.replacingOccurrences(of: #""amount":"1000000""#, with: #""amount":"1e6""#), field: "payment.amount")
        assertInvalidArgument(valid.replacingOccurrences(of: #""value":"1000000""#, with: #""value":true"#), field: "payment.authorization.value")
        assertInvalidArgument(valid.replacingOccurrences(of: #""value":"1000000""#, with: #""value":-1"#), field: "payment.authorization.value")
        assertInvalidArgument(valid.replacingOccurrences(of: #""from":"#, with: #""from":7,"x":"#), field: "payment.authorization.from")
        assertInvalidArgument(valid.replacingOccurrences(of: #""type":"mint""#, with: #""type":"gift""#), field: "payment.type")
        assertInvalidArgument(valid.replacingOccurrences(of: #""payment_token":"#, with: #""payment_token":null,"x":"#), field: "payment.payment_token")
        assertInvalidArgument(valid.replacingOccurrences(of: #""metadata":{"#, with: #""metadata":[],"x":{"#), field: "payment.metadata")
        assertInvalidArgument(valid.replacingOccurrences(of: #""signature":"#, with: #""x":"#), field: "payment.authorization.signature")
        assertInvalidArgument(#"{"cmd":"enqueue"}"#, field: "payment")
        assertInvalidArgument(#"{"cmd":"enqueue","payment":"yes"}"#, field: "payment")
        assertInvalidArgument(#"{"cmd":"enqueue","payment":{"type":"mint","payment_token":"0x3","amount":"1","authorization":[]}}"#,
                              field: "payment.authorization")
        assertInvalidArgument(valid.replacingOccurrences(of: #""cmd":"enqueue""#, with: #""cmd":"enqueue","idempotency_key":5"#),
                              field: "idempotency_key")
    }

    func testPaymentIDsMustBeUUIDsAndAreCanonicalizedToLowercase() throws {
        assertInvalidArgument(#"{"cmd":"status","payment_id":"42"}"#, field: "payment_id")
        assertInvalidArgument(#"{"cmd":"status","payment_id":42}"#, field: "payment_id")
        assertInvalidArgument(#"{"cmd":"status"}"#, field: "payment_id")
        assertInvalidArgument(#"{"cmd":"cancel","payment_id":"0b6f1c5e3f0a4d7e9a432f1d9c1e7b55"}"#, field: "payment_id")
        assertInvalidArgument(#"{"cmd":"retry","payment_id":"0b6f1c5e-3f0a-4d7e-9a43-2f1d9c1e7b5g"}"#, field: "payment_id")
        assertInvalidArgument(#"{"cmd":"watch","payment_id":"nope"}"#, field: "payment_id")
        let request = try parse(#"{"cmd":"status","payment_id":"0B6F1C5E-3F0A-4D7E-9A43-2F1D9C1E7B55"}"#)
        XCTAssertEqual(request?.command, .status(paymentID: "0b6f1c5e-3f0a-4d7e-9a43-2f1d9c1e7b55"))
    }

    func testListAndSettingsArgumentsAreChecked() throws {
        assertInvalidArgument(#"{"cmd":"list","limit":0}"#, field: "limit")
        assertInvalidArgument(#"{"cmd":"list","limit":1001}"#, field: "limit")
        assertInvalidArgument(#"{"cmd":"list","limit":"5"}"#, field: "limit")
        assertInvalidArgument(#"{"cmd":"list","status":"done"}"#, field: "status")
        assertInvalidArgument(#"{"cmd":"list","payer":false}"#, field: "payer")
        assertInvalidArgument(#"{"cmd":"settings","action":"delete"}"#, field: "action")
        assertInvalidArgument(#"{"cmd":"settings","action":"set","value":"5"}"#, field: "key")
        assertInvalidArgument(#"{"cmd":"settings","action":"set","key":"k"}"#, field: "value")
        assertInvalidArgument(#"{"cmd":"settings","key":"k","value":1.5}"#, field: "value")
        XCTAssertEqual(try parse(#"{"cmd":"settings"}"#)?.command, .settingsGet)
        XCTAssertEqual(try parse(#"{"cmd":"settings","action":"get"}"#)?.command, .settingsGet)
        XCTAssertEqual(try parse(#"{"cmd":"settings","key":"payment_batch_size","value":50}"#)?.command,
                       .settingsSet(key: "payment_batch_size", value: "50"))
    }

    // MARK: Protocol-level errors

    func testMalformedJSONIsRefusedWithoutAnID() {
        for line in [#"{"id":1,"cmd":"ping""#, "{bad json}", "123abc", #"{"id":1,"cmd":"ping","id":2}"#] {
            let rejected = rejection(line)
            XCTAssertEqual(rejected?.error.code, "malformed_json", line)
            XCTAssertEqual(rejected?.id, .null, line)
        }
        XCTAssertEqual(try? ProtocolRequest.parse(line: [0x7B, 0xFF, 0x7D]), nil)
        XCTAssertThrowsError(try ProtocolRequest.parse(line: [0x7B, 0xFF, 0x7D])) { error in
            XCTAssertEqual((error as? RejectedRequest)?.error.code, "malformed_json")
        }
    }

    func testJSONThatIsNotARequestObjectIsAnInvalidRequest() {
        for line in ["[1,2]", #""stats""#, "42", "true", "null"] {
            XCTAssertEqual(rejection(line)?.error.code, "invalid_request", line)
        }
    }

    func testMissingOrNonStringCmdIsAnInvalidRequestThatKeepsTheID() {
        let missing = rejection(#"{"id":{"trace":[1,"x"]}}"#)
        XCTAssertEqual(missing?.error.code, "invalid_request")
        XCTAssertEqual(missing?.id, ["trace": [1, "x"]])
        let number = rejection(#"{"id":"r1","cmd":5}"#)
        XCTAssertEqual(number?.error.code, "invalid_request")
        XCTAssertEqual(number?.id, "r1")
    }

    func testUnknownCommandKeepsTheID() {
        let rejected = rejection(#"{"id":7,"cmd":"launch"}"#)
        XCTAssertEqual(rejected?.error.code, "unknown_command")
        XCTAssertEqual(rejected?.id, 7)
        XCTAssertTrue(rejected?.error.description.contains("launch") == true)
    }

    func testIDIsEchoedWhateverItIsAndNullWhenAbsent() throws {
        for id in [#""abc""#, "-3", "1.5", "null", "[1,{}]", #"{"a":"b"}"#, "false"] {
            let request = try parse(#"{"id":\#(id),"cmd":"ping"}"#)
            XCTAssertEqual(request?.id, try StrictJSONParser.parse(id))
        }
        XCTAssertEqual(try parse(#"{"cmd":"ping"}"#)?.id, .null)
    }

    // MARK: Bare words

    func testBareWordsAreShorthandWithANullID() throws {
        let id = "0b6f1c5e-3f0a-4d7e-9a43-2f1d9c1e7b55"
        let cases: [(String, ProtocolCommand)] = [
            ("ping", .ping), ("version", .version), ("stats", .stats), ("stop", .stop), ("watch", .watch(paymentID: nil)),
            ("settings", .settingsGet), ("settings get", .settingsGet),
            ("settings set payment_batch_size 20", .settingsSet(key: "payment_batch_size", value: "20")),
            ("list", .list(PaymentListFilter())), ("list sent 5", .list(PaymentListFilter(status: .sent, limit: 5))),
            ("status \(id)", .status(paymentID: id)), ("retry \(id.uppercased())", .retry(paymentID: id)),
            ("cancel \(id)", .cancel(paymentID: id)), ("watch \(id)", .watch(paymentID: id)),
            ("  stats \r", .stats), ("\tping", .ping), ("prices", .prices),
        ]
        for (line, command) in cases {
            XCTAssertEqual(try parse(line), ProtocolRequest(id: .null, command: command), line)
        }
    }

    func testBlankLinesAreIgnored() throws {
        XCTAssertNil(try parse(""))
        XCTAssertNil(try parse("   \t\r"))
    }

    func testBadBareWordsAreRefused() {
        XCTAssertEqual(rejection("frobnicate")?.error.code, "unknown_command")
        XCTAssertEqual(rejection("stats now")?.error.code, "invalid_arguments")
        XCTAssertEqual(rejection("prices all")?.error.code, "invalid_arguments")
        XCTAssertEqual(rejection("status")?.error.code, "invalid_arguments")
        XCTAssertEqual(rejection("status 12")?.error.code, "invalid_arguments")
        XCTAssertEqual(rejection("enqueue")?.error.code, "invalid_arguments")
        XCTAssertEqual(rejection("list forever")?.error.code, "invalid_arguments")
        XCTAssertEqual(rejection("settings set k")?.error.code, "invalid_arguments")
        XCTAssertEqual(rejection("Stats")?.error.code, "malformed_json")
    }

    func testCommandFlagsMatchTheSpec() {
        let admin = [ProtocolCommand.stop, .settingsSet(key: "k", value: "v"), .retry(paymentID: "x"), .cancel(paymentID: "x")]
        XCTAssertTrue(admin.allSatisfy(\.requiresAdmin))
        let open = [ProtocolCommand.enqueue(ProtocolSample.paymentRequest()), .status(paymentID: "x"), .stats, .ping, .version,
                    .list(PaymentListFilter()), .settingsGet, .watch(paymentID: nil), .prices]
        XCTAssertFalse(open.contains(where: \.requiresAdmin))
    }
}
