/// Group commit: concurrent callers' items are handled together, one batch per round trip,
/// instead of one round trip each.
///
/// An item submitted while fewer than `concurrency` batches are running starts a batch at
/// once (alone, when the daemon is idle: no added wait); items submitted while the batches
/// are all running wait for the next, which takes up to `maxBatch` of them. So the batch grows
/// with the load and a caller waits at most one round trip more than it would alone.
///
/// `process` (the same work at every call: the batch that starts uses the submitting caller's)
/// must answer every item, in order; it is not cancelled with a caller (an item handed over is
/// carried out, as a single request's write would be). It is passed per call rather than
/// stored so the group holds no reference to its owner.
actor GroupCommit<Item: Sendable, Answer: Sendable> {
    private let maxBatch: Int
    private let concurrency: Int
    private var waiting: [(item: Item, answer: CheckedContinuation<Answer, Never>)] = []
    private var running = 0

    init(maxBatch: Int, concurrency: Int = 1) {
        precondition(maxBatch > 0 && concurrency > 0)
        self.maxBatch = maxBatch
        self.concurrency = concurrency
    }

    func submit(_ item: Item, process: @escaping @Sendable ([Item]) async -> [Answer]) async -> Answer {
        await withCheckedContinuation { continuation in
            waiting.append((item, continuation))
            if running < concurrency {
                running += 1
                Task { await self.drain(process) }
            }
        }
    }

    /// Runs batches until nothing waits.
    private func drain(_ process: @Sendable ([Item]) async -> [Answer]) async {
        while !waiting.isEmpty {
            let batch = Array(waiting.prefix(maxBatch))
            waiting.removeFirst(batch.count)
            let answers = await process(batch.map(\.item))
            precondition(answers.count == batch.count, "a group commit's process must answer every item")
            for (waiter, answer) in zip(batch, answers) { waiter.answer.resume(returning: answer) }
        }
        running -= 1
    }
}
