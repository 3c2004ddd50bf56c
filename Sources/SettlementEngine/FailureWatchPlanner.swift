import PaymentStore

/// What the failure watch does with one watched payment (failed, `confirmation_failed`, or a
/// lost settlement), given its authorization's fate: exactly one reaction each.
enum FailureWatchDecision: Sendable, Equatable {
    /// A transaction paid the receiver with its authorization after all: complete it (a lost
    /// settlement is re-pointed) and mint once.
    case complete(PaymentSettlement)
    /// The proof of a lost settlement is gone and the authorization is usable again: restore
    /// the settlement like any reorged-out one (relay it, then mint).
    case reopen
    /// The chain can no longer change it: stop watching.
    case close(reason: String)
    /// Nothing is final yet: look again next time.
    case wait
}

/// The failure watch's decisions, apart from its I/O (`FailureWatch`).
enum FailureWatchPlanner {
    /// `fate` is nil when the row's authorization cannot be read: nothing can relay it.
    static func decide(_ row: PaymentRow, fate: AuthorizationFate?) -> FailureWatchDecision {
        switch fate {
        case nil:
            return .close(reason: "its stored authorization cannot be relayed")
        case .paid(let pair)?:
            return .complete(ConfirmPlanner.settlement(row, pair: pair, gasUsed: nil))
        case .usable?:
            // Only a lost settlement is relayed again by us (it was paid once, its buyer may hold
            // tokens): a failed payment is settled by whoever relays it, and served then.
            return row.settlementLost != nil ? .reopen : .wait
        case .ended(let reason)?:
            return .close(reason: reason)
        case .paying?, .ending?, .unknown?:
            return .wait
        }
    }
}
