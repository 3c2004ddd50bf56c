import Ethereum
import JSON
import PaymentModel
import Postgres

extension PaymentQueue {
    /// Queues one payment (see the batch form).
    public static func insert(_ payment: NewPayment, maxUnsettledPerPayer: Int, on conn: PostgresConnection) throws(StoreError) -> InsertOutcome {
        try insert([payment], maxUnsettledPerPayer: maxUnsettledPerPayer, on: conn)[0]
    }

    /// Queues a batch of payments in one transaction and answers each as if they had been
    /// queued one after another in this order (`EnqueueAdmission`): unless its idempotency key
    /// or its authorization is already known, or its payer has too many unsettled payments.
    ///
    /// Five statements whatever the batch's size: the payers' advisory locks, taken in one order
    /// (so two batches cannot deadlock, and no other insert for these payers runs until this one
    /// commits); the rows holding its keys; the rows holding its authorizations; the
    /// payers' unsettled counts; one multi-row insert. A row the insert skipped for a conflict
    /// nothing predicted (another payer's concurrent insert took the idempotency key) is
    /// answered by looking again.
    public static func insert(_ payments: [NewPayment], maxUnsettledPerPayer: Int, on conn: PostgresConnection) throws(StoreError) -> [InsertOutcome] {
        guard !payments.isEmpty else { return [] }
        return try StoreError.wrap {
            try conn.transaction { tx in
                // The supply of each mint token with a known limit is counted under its lock
                // (taken before the payers', in one order), so two batches cannot both sell
                // its last item.
                let available = try availableItems(payments, on: tx)
                // Locks before keys: a batch still inserting this payer's rows commits before
                // we read, so a retry of its request finds the key, not only the authorization.
                let payers = Array(Set(payments.map(\.payer.lowercaseHex))).sorted()
                try tx.query("""
                    SELECT count(pg_advisory_xact_lock(hashtext(p))) FROM (SELECT p FROM unnest($1::text[]) AS p ORDER BY p) AS sorted
                    """, [PostgresArrayLiteral.encode(payers)])
                let byKey = try rowsByKey(payments.compactMap(\.idempotencyKey), on: tx)
                let unanswered = payments.filter { payment in payment.idempotencyKey.map { byKey[$0] == nil } ?? true }
                let byAuthorization = try rowsByAuthorization(unanswered.map(EnqueueAdmission.AuthorizationKey.init), on: tx)
                var unsettled: [String: Int] = [:]
                if !payers.isEmpty {
                    for row in try tx.query("""
                        SELECT lower(payer) AS payer, count(*) AS n FROM payment_queue
                        WHERE lower(payer) = ANY($1::text[]) AND status IN ('pending', 'processing', 'sent')
                        GROUP BY lower(payer)
                        """, [PostgresArrayLiteral.encode(payers)]).rows {
                        unsettled[try row.string("payer")] = Int(try row.int64("n"))
                    }
                }
                let verdicts = EnqueueAdmission.decide(payments, byKey: byKey, byAuthorization: byAuthorization,
                                                       unsettled: unsettled, limit: maxUnsettledPerPayer, available: available)
                let toInsert = zip(payments, verdicts).filter { $0.1 == .insert }.map(\.0)
                let inserted = try insertRows(toInsert, on: tx)

                var outcomes: [InsertOutcome] = []
                for (payment, verdict) in zip(payments, verdicts) {
                    switch verdict {
                    case .existingKey(let row): outcomes.append(.existingKey(row))
                    case .duplicateAuthorization(let row): outcomes.append(.duplicateAuthorization(row))
                    case .tooManyPending(let count): outcomes.append(.tooManyPending(count: count))
                    case .soldOut(let remaining): outcomes.append(.soldOut(remaining: remaining))
                    case .insert:
                        if let row = inserted[EnqueueAdmission.AuthorizationKey(payment)] {
                            outcomes.append(.inserted(row))
                        } else {
                            outcomes.append(try lookAgain(payment, on: tx))
                        }
                    case .keyOfEarlier(let earlier):
                        if case .inserted(let row) = outcomes[earlier] { outcomes.append(.existingKey(row)) } else { outcomes.append(try lookAgain(payment, on: tx)) }
                    case .authorizationOfEarlier(let earlier):
                        if case .inserted(let row) = outcomes[earlier] { outcomes.append(.duplicateAuthorization(row)) } else { outcomes.append(try lookAgain(payment, on: tx)) }
                    }
                }
                return outcomes
            }
        }
    }

    /// Per mint token with a known supply among `payments` (lowercase hex): the items it has
    /// left once every unsettled purchase of it is counted: payments not yet settled, mint jobs
    /// not yet minted, and jobs minted after the block the supply was read at (the supply read
    /// does not show those yet). Takes each such token's lock, in one order.
    private static func availableItems(_ payments: [NewPayment], on conn: PostgresConnection) throws -> [String: Int64] {
        var supplies: [String: ItemSupply] = [:]
        for payment in payments {
            guard let token = payment.token?.lowercaseHex, let supply = payment.supply else { continue }
            // The latest read of a token's supply in the batch is the one that counts.
            if supplies[token].map({ $0.block < supply.block }) ?? true { supplies[token] = supply }
        }
        guard !supplies.isEmpty else { return [:] }
        let tokens = supplies.keys.sorted()
        try conn.query("""
            SELECT count(pg_advisory_xact_lock(1, hashtext(t))) FROM (SELECT t FROM unnest($1::text[]) AS t ORDER BY t) AS sorted
            """, [PostgresArrayLiteral.encode(tokens)])
        return try availableItems(supplies, on: conn)
    }

    /// Per token (lowercase hex) with a supply read: its items less every unsettled purchase of
    /// it (see above), without locks: what `prices` reports, a moment's view.
    public static func availableItems(_ supplies: [String: ItemSupply], on conn: PostgresConnection) throws -> [String: Int64] {
        guard !supplies.isEmpty else { return [:] }
        let tokens = supplies.keys.sorted()
        let rows = try conn.query("""
            SELECT u.token,
                   (SELECT coalesce(sum(CASE WHEN p.metadata->>'quantity' ~ '^[0-9]{1,9}$' THEN (p.metadata->>'quantity')::bigint ELSE 1 END), 0)
                      FROM payment_queue p
                     WHERE lower(p.token_address) = u.token AND p.status IN ('pending', 'processing', 'sent'))
                 + (SELECT count(*) FROM mint_queue j WHERE lower(j.token_address) = u.token AND j.status IN ('pending', 'processing'))
                 + (SELECT count(*) FROM mint_queue j JOIN mint_batches b ON b.id = j.batch_id
                     WHERE lower(j.token_address) = u.token AND j.status = 'completed' AND b.confirmed_block > u.block)
                   AS reserved
            FROM unnest($1::text[], $2::bigint[]) AS u(token, block)
            """, [PostgresArrayLiteral.encode(tokens), PostgresArrayLiteral.encode(tokens.map { String(supplies[$0]!.block) })])
        var available: [String: Int64] = [:]
        for row in rows.rows {
            let token = try row.string("token")
            available[token] = supplies[token]!.items - (try row.int64("reserved"))
        }
        return available
    }

    private static func rowsByKey(_ keys: [String], on conn: PostgresConnection) throws -> [String: PaymentRow] {
        guard !keys.isEmpty else { return [:] }
        var rows: [String: PaymentRow] = [:]
        for row in try conn.query("\(select) WHERE idempotency_key = ANY($1::text[])", [PostgresArrayLiteral.encode(keys)]).rows {
            let payment = try PaymentRow(row: row)
            if let key = payment.idempotencyKey { rows[key] = payment }
        }
        return rows
    }

    private static func rowsByAuthorization(_ authorizations: [EnqueueAdmission.AuthorizationKey], on conn: PostgresConnection)
        throws -> [EnqueueAdmission.AuthorizationKey: PaymentRow] {
        guard !authorizations.isEmpty else { return [:] }
        var rows: [EnqueueAdmission.AuthorizationKey: PaymentRow] = [:]
        for row in try conn.query("""
            SELECT \(PaymentRow.columns("q")), u.ordinality AS batch_index
            FROM unnest($1::text[], $2::text[], $3::text[]) WITH ORDINALITY AS u(token, payer, nonce, ordinality)
            JOIN payment_queue q ON lower(q.payment_token_address) = u.token AND lower(q.payer) = u.payer
                                AND q.auth_nonce = u.nonce AND q.auth_nonce IS NOT NULL
            """, [PostgresArrayLiteral.encode(authorizations.map(\.paymentToken)), PostgresArrayLiteral.encode(authorizations.map(\.payer)),
                  PostgresArrayLiteral.encode(authorizations.map(\.nonce))]).rows {
            rows[authorizations[Int(try row.int64("batch_index")) - 1]] = try PaymentRow(row: row)
        }
        return rows
    }

    /// One statement for every admitted payment; returns the inserted rows by authorization.
    private static func insertRows(_ payments: [NewPayment], on conn: PostgresConnection) throws -> [EnqueueAdmission.AuthorizationKey: PaymentRow] {
        guard !payments.isEmpty else { return [:] }
        let authorizations = try payments.map { try JSONText.string($0.authorization) }
        let metadata = try payments.map { try $0.metadata.map { try JSONText.string($0) } }
        var rows: [EnqueueAdmission.AuthorizationKey: PaymentRow] = [:]
        for row in try conn.query("""
            INSERT INTO payment_queue (payment_type, token_address, "authorization", payer, amount,
                payment_token_address, metadata, status, idempotency_key, auth_nonce, valid_before, enqueued_block, sign_first)
            SELECT u.payment_type, u.token_address, u.auth::jsonb, u.payer, u.amount, u.payment_token_address, u.metadata::jsonb,
                   'pending', u.idempotency_key, u.auth_nonce, u.valid_before::numeric, u.enqueued_block::bigint, u.sign_first::boolean
            FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[],
                        $10::text[], $11::text[], $12::text[]) WITH ORDINALITY
                 AS u(payment_type, token_address, auth, payer, amount, payment_token_address, metadata, idempotency_key, auth_nonce,
                      valid_before, enqueued_block, sign_first, ordinality)
            ORDER BY u.ordinality
            ON CONFLICT DO NOTHING
            RETURNING \(PaymentRow.columns)
            """, [
                PostgresArrayLiteral.encode(payments.map(\.type.rawValue)),
                PostgresArrayLiteral.encode(payments.map { $0.token?.checksummed }),
                PostgresArrayLiteral.encode(authorizations),
                PostgresArrayLiteral.encode(payments.map(\.payer.checksummed)),
                PostgresArrayLiteral.encode(payments.map(\.amount.description)),
                PostgresArrayLiteral.encode(payments.map(\.paymentToken.checksummed)),
                PostgresArrayLiteral.encode(metadata),
                PostgresArrayLiteral.encode(payments.map(\.idempotencyKey)),
                PostgresArrayLiteral.encode(payments.map(\.transfer.nonce.hex)),
                PostgresArrayLiteral.encode(payments.map(\.transfer.validBefore.description)),
                PostgresArrayLiteral.encode(payments.map { $0.enqueuedBlock.map(String.init) }),
                PostgresArrayLiteral.encode(payments.map { $0.signFirst ? "true" : "false" }),
            ]).rows {
            let payment = try PaymentRow(row: row)
            guard let transfer = payment.transfer else { continue }
            rows[EnqueueAdmission.AuthorizationKey(paymentToken: payment.paymentToken, payer: payment.payer, nonce: transfer.nonce)] = payment
        }
        return rows
    }

    /// The answer for a payment the insert skipped although nothing predicted a conflict.
    private static func lookAgain(_ payment: NewPayment, on conn: PostgresConnection) throws -> InsertOutcome {
        if let key = payment.idempotencyKey, let existing = try rowsByKey([key], on: conn)[key] {
            return .existingKey(existing)
        }
        let authorization = EnqueueAdmission.AuthorizationKey(payment)
        guard let existing = try rowsByAuthorization([authorization], on: conn)[authorization] else {
            throw StoreError.corruptRow(table: "payment_queue", id: "?", reason: "insert conflicted but no conflicting row was found")
        }
        return .duplicateAuthorization(existing)
    }
}
