import Foundation
public import Postgres

/// The append-only audit log: record an access in the same transaction as the access,
/// seal committed rows into a SHA-256 chain, and verify the chain.
public enum AuditLog {
    /// Records `event` on the connection, in the caller's transaction, so the access and its
    /// record commit or roll back together.
    public static func record(_ event: AuditEvent, on connection: PostgresConnection) async throws {
        try await connection.query(
            """
            INSERT INTO audit_events (actor_subject, actor_role, actor_organisation_id, action, patient_id,
                                      resource_type, resource_id, purpose, outcome, break_glass_reason,
                                      request_id, client_address, detail)
            VALUES (\(event.actorSubject), \(event.actorRole), \(event.actorOrganisation),
                    \(event.action.rawValue)::audit_action, \(event.patientID), \(event.resourceType),
                    \(event.resourceID), \(event.purpose), \(event.outcome.rawValue)::audit_outcome,
                    \(event.breakGlassReason), \(event.requestID), \(event.clientAddress)::inet, \(event.detail)::jsonb)
            """, prepared: true)
    }

    /// Records many events in one statement (rows in the order given), in the caller's transaction.
    public static func record(_ events: [AuditEvent], on connection: PostgresConnection) async throws {
        guard !events.isEmpty else { return }
        try await connection.query(insert(events), prepared: true)
    }

    /// The one statement that inserts `events`.
    static func insert(_ events: [AuditEvent]) -> PostgresQuery {
        """
        INSERT INTO audit_events (actor_subject, actor_role, actor_organisation_id, action, patient_id,
                                  resource_type, resource_id, purpose, outcome, break_glass_reason,
                                  request_id, client_address, detail)
        SELECT subject, role, organisation, action::audit_action, patient, resource_type, resource_id,
               purpose, outcome::audit_outcome, break_glass_reason, request_id, client_address::inet, detail::jsonb
        FROM unnest(\(events.map(\.actorSubject)), \(events.map(\.actorRole)), \(events.map(\.actorOrganisation)),
                    \(events.map(\.action.rawValue)), \(events.map(\.patientID)), \(events.map(\.resourceType)),
                    \(events.map(\.resourceID)), \(events.map(\.purpose)), \(events.map(\.outcome.rawValue)),
                    \(events.map(\.breakGlassReason)), \(events.map(\.requestID)), \(events.map(\.clientAddress)),
                    \(events.map(\.detail)))
             WITH ORDINALITY AS batch(subject, role, organisation, action, patient, resource_type, resource_id,
                                      purpose, outcome, break_glass_reason, request_id, client_address, detail, position)
        ORDER BY position
        """
    }

    /// How many committed rows wait to be sealed into the chain: for the service's metrics.
    public static func unsealedRows(_ pool: PostgresPool) async throws -> Int {
        try await pool.query("SELECT audit_unsealed_rows()", prepared: true).single().decode(Int.self)
    }

    /// Seals committed, unsealed rows into the chain (one sealer at a time); returns how many.
    public static func seal(_ pool: PostgresPool) async throws -> Int {
        try await pool.query("SELECT audit_seal()").single().decode(Int.self)
    }

    /// What `verify` found.
    public struct Verification: Sendable, Equatable {
        /// Sealed rows checked.
        public var checked: Int
        /// Rows recorded but not yet sealed.
        public var unsealed: Int
        /// The first place the chain is broken, if any.
        public var firstBreak: Break?
        /// The last sealed row's chain position and hash, to anchor outside the database.
        public var headPosition: Int
        public var headHash: String?

        public var isIntact: Bool { firstBreak == nil }
    }

    /// Where and why the chain is broken.
    public struct Break: Sendable, Equatable, CustomStringConvertible {
        public var chainPosition: Int
        /// The row found there, if any (absent when rows were deleted).
        public var seq: Int?
        public var reason: String

        public var description: String {
            "chain position \(chainPosition)" + (seq.map { " (audit row \($0))" } ?? "") + ": \(reason)"
        }
    }

    /// A chain position and its hash, kept outside the database (printed by `audit verify`,
    /// saved with a backup): the chain must still hold exactly that row there.
    public struct Anchor: Sendable, Equatable {
        public var position: Int
        public var hash: String

        public init(position: Int, hash: String) {
            self.position = position
            self.hash = hash
        }
    }

    /// Recomputes every sealed row's hash in chain order, in batches, and reports the first
    /// row whose content, link or position does not fit, or where the chain leaves `anchor`
    /// (a different row there, or a chain that ends before it: its newest rows removed).
    /// Needs read access to the log (the owner or an auditing role).
    public static func verify(_ pool: PostgresPool, anchor: Anchor? = nil, batchSize: Int = 10_000) async throws -> Verification {
        try await pool.withConnection { connection in
            var expected = 1
            var previous: String?
            while true {
                let rows = try await connection.query(
                    """
                    SELECT chain_position, seq, encode(hash, 'hex'), encode(previous_hash, 'hex'),
                           encode(sha256(coalesce(previous_hash, ''::bytea) || convert_to(audit_canonical(e), 'UTF8')), 'hex')
                    FROM audit_events e
                    WHERE chain_position >= \(expected)
                    ORDER BY chain_position
                    LIMIT \(batchSize)
                    """, prepared: true
                ).decode((Int, Int, String, String?, String).self)
                for (position, seq, hash, previousHash, recomputed) in rows {
                    let problem: String? =
                        if position != expected {
                            "row at chain position \(expected) is missing (deleted?)"
                        } else if previousHash != previous {
                            "link to the previous row does not match (a row before it was changed, inserted or removed)"
                        } else if recomputed != hash {
                            "content changed after it was sealed"
                        } else if let anchor, anchor.position == position, anchor.hash != hash {
                            "not the row whose hash was kept outside the database"
                        } else {
                            nil
                        }
                    if let problem {
                        let unsealed = try await unsealedCount(on: connection)
                        let breakAt = Break(chainPosition: expected, seq: position == expected ? seq : nil, reason: problem)
                        return Verification(
                            checked: expected - 1, unsealed: unsealed, firstBreak: breakAt,
                            headPosition: expected - 1, headHash: previous)
                    }
                    previous = hash
                    expected += 1
                }
                if rows.count < batchSize { break }
            }
            let unsealed = try await unsealedCount(on: connection)
            if let anchor, anchor.position >= expected {
                let removed = Break(
                    chainPosition: expected, seq: nil,
                    reason: "the chain ends before position \(anchor.position), kept outside the database (its newest rows were removed)")
                return Verification(checked: expected - 1, unsealed: unsealed, firstBreak: removed, headPosition: expected - 1, headHash: previous)
            }
            return Verification(checked: expected - 1, unsealed: unsealed, firstBreak: nil, headPosition: expected - 1, headHash: previous)
        }
    }

    private static func unsealedCount(on connection: PostgresConnection) async throws -> Int {
        try await connection.query("SELECT count(*) FROM audit_events WHERE chain_position IS NULL").single().decode(Int.self)
    }
}
