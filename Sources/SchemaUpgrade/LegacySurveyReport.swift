/// `payctl check-upgrade` as text: per status what is there now and after the migrations, what
/// the daemon will then do with each kind of row, mint jobs, settings, and the migrations to
/// apply. Written for the operator deciding whether to upgrade, in the order they will ask.
public enum LegacySurveyReport {
    static let statuses = ["pending", "processing", "sent", "completed", "failed", "confirmation_failed"]

    public static func render(_ survey: LegacySurvey) -> String {
        var out = ""
        if survey.plan.pending.isEmpty {
            out += "migrations: all \(survey.plan.applied.count) applied; nothing to do\n"
        } else if survey.plan.applied.isEmpty {
            out += "migrations: none applied yet (a database of the replaced system); \(survey.plan.pending.count) to apply: "
                + survey.plan.pending.joined(separator: ", ") + "\n"
        } else {
            out += "migrations: \(survey.plan.applied.count) applied, \(survey.plan.pending.count) to apply: "
                + survey.plan.pending.joined(separator: ", ") + "\n"
        }
        let total = survey.statusCounts.values.reduce(0, +)
        out += "\npayment_queue: \(total) row\(total == 1 ? "" : "s")\n"
        let known = statuses + survey.statusCounts.keys.filter { !statuses.contains($0) }.sorted()
        let width = known.map(\.count).max() ?? 0
        out += "  " + "status".padding(width) + "   now  after  then\n"
        for status in known {
            let now = survey.statusCounts[status] ?? 0
            let after = survey.statusCountsAfter[status] ?? 0
            out += "  " + status.padding(width) + " " + String(now).leftPadding(5) + " " + String(after).leftPadding(6) + "  " + fate(of: status) + "\n"
        }
        out += "\n"
        if survey.settlementColumnsPresent {
            out += "authorizations: migration 007 already ran; every row keeps its status\n"
        } else {
            out += "authorizations (migration 007):\n"
            out += "  \(survey.keyed) row(s) get their authorization's nonce as a unique key (one per authorization; a completed row first)\n"
            out += "  \(survey.duplicatesFailed) waiting duplicate(s) of another row's authorization will be FAILED "
                + "(\"duplicate of another queued payment with the same authorization\"): paying them would mint twice\n"
            out += "  \(survey.duplicatesKept) settled duplicate(s) are kept as they are, without the key\n"
            out += "  \(survey.unreadableNonce) row(s) have no readable authorization nonce: kept; they settle only by a receipt of their own transaction\n"
        }
        if survey.stuckSent > 0 {
            out += "  \(survey.stuckSent) sent row(s) are older than 5 minutes (stuck under the replaced system): paymentd checks their receipts "
                + "and signs again those whose transaction is gone\n"
        }
        let mints = survey.mintCounts.values.reduce(0, +)
        out += "\nmint_queue: \(mints) job(s)"
        if mints > 0 {
            out += " (" + survey.mintCounts.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ") + ")"
        }
        out += "\n"
        if survey.mintJobsWithoutPayment > 0 {
            out += "  \(survey.mintJobsWithoutPayment) job(s) have no link to a payment (the replaced system's): kept; pending ones are minted "
                + "with their stored dedupe hash\n"
        }
        out += "\nsystem_settings: \(survey.settings.count) kept with their values"
        if !survey.settings.isEmpty {
            out += " (" + survey.settings.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ", ") + ")"
        }
        out += "; paymentd adds its own keys with defaults\n"
        out += "\nNothing was written. Apply with: payctl migrate --database-url … (or start paymentd, which applies them).\n"
        return out
    }

    static func fate(of status: String) -> String {
        switch status {
        case "pending": "sent by paymentd like new payments (simulated first)"
        case "processing": "queued again and signed anew (no signed bytes were stored); an old transaction that did go out is found and credited"
        case "sent": "confirmed by their receipt; signed anew if their transaction is gone; failed only on chain proof"
        case "completed", "failed", "confirmation_failed": "kept as they are"
        default: "not a status paymentd knows: the migrations' status check will refuse this table; fix these rows first"
        }
    }
}

extension String {
    func padding(_ width: Int) -> String {
        count >= width ? self : self + String(repeating: " ", count: width - count)
    }

    func leftPadding(_ width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}
