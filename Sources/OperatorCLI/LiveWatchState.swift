import Foundation
import PaymentModel

/// What `payctl watch` shows on a terminal, kept as plain data: the latest `stats`, the
/// last events, and enough event history for rates per minute. The watch command feeds it
/// events and stats as they come; `LiveWatchView` draws it. Kept apart so the drawing is
/// tested with fixed inputs and no daemon.
public struct LiveWatchState: Sendable {
    /// How many recent events the view lists.
    public let eventsShown: Int
    public private(set) var stats: PaymentStats?
    public private(set) var recent: [PaymentEvent] = []
    /// Every event of the last minute (time, status), oldest first, for the rates.
    private var lastMinute: [(at: Date, status: PaymentStatus)] = []
    /// Why the stats could not be read, shown instead of them.
    public private(set) var statsProblem: String?

    public init(eventsShown: Int = 10) {
        self.eventsShown = eventsShown
    }

    public mutating func record(_ event: PaymentEvent, receivedAt now: Date) {
        recent.append(event)
        if recent.count > eventsShown { recent.removeFirst(recent.count - eventsShown) }
        lastMinute.append((now, event.status))
        forget(before: now)
    }

    public mutating func update(_ stats: PaymentStats) {
        self.stats = stats
        statsProblem = nil
    }

    public mutating func statsFailed(_ problem: String) {
        statsProblem = problem
    }

    /// Events per status over the minute before `now`.
    public mutating func ratesPerMinute(at now: Date) -> [PaymentStatus: Int] {
        forget(before: now)
        var rates: [PaymentStatus: Int] = [:]
        for entry in lastMinute { rates[entry.status, default: 0] += 1 }
        return rates
    }

    private mutating func forget(before now: Date) {
        let cutoff = now.addingTimeInterval(-60)
        lastMinute.removeAll { $0.at < cutoff }
    }
}
