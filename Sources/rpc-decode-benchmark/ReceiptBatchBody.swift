/// A JSON-RPC batch answer to `eth_getTransactionReceipt`, shaped like geth's receipts
/// (logs bloom included), with ids 1…n in reverse order as nodes may send them.
enum ReceiptBatchBody {
    static func make(receipts: Int, logsPerReceipt: Int) -> [UInt8] {
        var text = "["
        for id in (1...receipts).reversed() {
            if id != receipts { text += "," }
            let logs = (0..<logsPerReceipt).map { index in
                """
                {"address":"\(hex(id, bytes: 20))","topics":["\(hex(0xddf2, bytes: 32))","\(hex(id, bytes: 32))","\(hex(index, bytes: 32))"],\
                "data":"\(hex(id * 1_000_003, bytes: 64))","blockNumber":"0x1b4","transactionHash":"\(hex(id, bytes: 32))",\
                "transactionIndex":"\(quantity(id))","blockHash":"\(hex(0xb10c, bytes: 32))","logIndex":"\(quantity(id * 2 + index))","removed":false}
                """
            }.joined(separator: ",")
            text += """
                {"jsonrpc":"2.0","id":\(id),"result":{"blockHash":"\(hex(0xb10c, bytes: 32))","blockNumber":"0x1b4",\
                "contractAddress":null,"cumulativeGasUsed":"\(quantity(id * 60_000))","effectiveGasPrice":"0x3b9aca07",\
                "from":"\(hex(id + 7, bytes: 20))","gasUsed":"0xea60","logs":[\(logs)],"logsBloom":"\(hex(id, bytes: 256))",\
                "status":"0x1","to":"\(hex(0x05dc, bytes: 20))","transactionHash":"\(hex(id, bytes: 32))",\
                "transactionIndex":"\(quantity(id))","type":"0x2"}}
                """
        }
        text += "]"
        return Array(text.utf8)
    }

    private static func quantity(_ value: Int) -> String {
        "0x" + String(value, radix: 16)
    }

    /// `value` in hex, left-padded with zeros to `bytes` bytes.
    private static func hex(_ value: Int, bytes: Int) -> String {
        let digits = String(value, radix: 16)
        return "0x" + String(repeating: "0", count: max(0, bytes * 2 - digits.count)) + digits
    }
}
