import Ethereum

/// `count` purchases, `concurrency` at a time, buyers taking turns; reports progress as
/// purchases are answered.
struct PurchaseRun: Sendable {
    let flow: PurchaseFlow
    let buyers: [PrivateKey]
    let count: Int
    let concurrency: Int

    func run(progress: (Int) -> Void) async -> [PurchaseFlow.Record] {
        await withTaskGroup(of: PurchaseFlow.Record.self) { group in
            var next = 0
            var records: [PurchaseFlow.Record] = []
            func start() {
                let buyer = buyers[next % buyers.count]
                group.addTask { await flow.run(buyer: buyer) }
                next += 1
            }
            for _ in 0..<min(concurrency, count) { start() }
            while let record = await group.next() {
                records.append(record)
                progress(records.count)
                if next < count { start() }
            }
            return records
        }
    }
}
