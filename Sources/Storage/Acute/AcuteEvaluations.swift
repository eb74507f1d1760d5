public import Clinical
public import Foundation
public import Postgres

/// Stored acute evaluations: each written with its audit row in one transaction (idempotent
/// by id, so a spooled evaluation written twice is stored and audited once), read back
/// exactly as given. Writes are group-committed: evaluations arriving while a batch commits
/// share the next transaction and its WAL flush, each still with its own outcome.
public struct AcuteEvaluations: Sendable {
    public let pool: PostgresPool
    public let audit: AuditWriter
    private let commits: GroupCommit<(record: AcuteEvaluationRecord, viaSpool: Bool), Bool>

    public init(pool: PostgresPool, audit: AuditWriter) {
        self.pool = pool
        self.audit = audit
        commits = GroupCommit { batch in await Self.write(batch, pool: pool) }
    }

    /// Stores the evaluation and its audit row; returns false when it was already stored.
    /// Throws `Refusal.unknownEpisode` when the record names an episode the caller cannot see.
    @discardableResult
    public func store(_ record: AcuteEvaluationRecord, viaSpool: Bool = false) async throws -> Bool {
        try await commits.submit((record, viaSpool))
    }

    /// Writes a batch in one transaction, callers with the same access context together
    /// (one context statement, one audit insert each); a record whose episode the caller
    /// cannot see fails alone. If the database refuses the batch (one record breaks a
    /// constraint), each record is written on its own, so only that one fails.
    private static func write(_ batch: [(record: AcuteEvaluationRecord, viaSpool: Bool)], pool: PostgresPool) async -> [Result<Bool, any Error>] {
        do {
            return try await pool.withTransaction { connection in
                var outcomes = [Result<Bool, any Error>](repeating: .success(false), count: batch.count)
                var groups: [String: [Int]] = [:]
                var order: [String] = []
                for (index, item) in batch.enumerated() {
                    let context = item.record.accessContext
                    let key = "\(context.subject)\u{0}\(context.role)\u{0}\(context.organisations)"
                    if groups[key] == nil { order.append(key) }
                    groups[key, default: []].append(index)
                }
                for key in order {
                    let indices = groups[key] ?? []
                    guard let first = indices.first else { continue }
                    try await batch[first].record.accessContext.apply(on: connection)
                    let episodes = indices.compactMap { batch[$0].record.episodeId }
                    // An evaluation of an episode is held by the episode's organisation (the caller may act for several).
                    var held: [UUID: (patient: UUID, organisation: UUID)] = [:]
                    if !episodes.isEmpty {
                        for row in try await connection.query(
                            "SELECT id, patient_id, organisation_id FROM stroke_episodes WHERE id = ANY(\(episodes))", prepared: true)
                        {
                            let (episode, patient, organisation) = try row.decode((UUID, UUID, UUID).self)
                            held[episode] = (patient, organisation)
                        }
                    }
                    var rows: [(index: Int, patient: UUID?, organisation: UUID)] = []
                    for index in indices {
                        guard let episode = batch[index].record.episodeId else {
                            rows.append((index, nil, batch[index].record.organisationId))
                            continue
                        }
                        guard let episodeHeld = held[episode] else {
                            outcomes[index] = .failure(Refusal.unknownEpisode)
                            continue
                        }
                        rows.append((index, episodeHeld.patient, episodeHeld.organisation))
                    }
                    let inserted = try await insert(
                        rows.map { (batch[$0.index].record, $0.patient, $0.organisation, batch[$0.index].viaSpool) }, on: connection)
                    var events: [AuditEvent] = []
                    for (index, patient, _) in rows {
                        let record = batch[index].record
                        let wasInserted = inserted.contains(record.id)
                        if wasInserted {
                            events.append(
                                record.accessContext.auditEvent(
                                    .create, patient: patient, resource: "AcuteEvaluation",
                                    resourceID: record.id.uuidString))
                        }
                        outcomes[index] = .success(wasInserted)
                    }
                    try await AuditLog.record(events, on: connection)
                }
                return outcomes
            }
        } catch let error as PostgresError where batch.count > 1 && !error.isUnavailable {
            var outcomes: [Result<Bool, any Error>] = []
            for item in batch {
                outcomes += await write([item], pool: pool)
            }
            return outcomes
        } catch {
            return batch.map { _ in .failure(error) }
        }
    }

    /// Inserts the rows in one statement; returns the ids newly stored (a replayed id is not).
    private static func insert(
        _ rows: [(record: AcuteEvaluationRecord, patient: UUID?, organisation: UUID, viaSpool: Bool)], on connection: PostgresConnection
    ) async throws
        -> Set<UUID>
    {
        guard !rows.isEmpty else { return [] }
        let records = rows.map(\.record)
        return Set(
            try await connection.query(
                """
                INSERT INTO acute_evaluations (organisation_id, id, episode_id, patient_id, evaluated_at, evaluated_by, evaluator_role,
                                               profile, protocol_version, outcome_model, input, output, ivt_status, evt_recommendation,
                                               request_id, via_spool)
                SELECT * FROM unnest(\(rows.map(\.organisation)), \(records.map(\.id)), \(records.map(\.episodeId)), \(rows.map(\.patient)),
                                     \(records.map(\.evaluatedAt)), \(records.map(\.subject)), \(records.map(\.role)), \(records.map(\.profile)),
                                     \(records.map(\.protocolVersion)), \(records.map(\.outcomeModel)), \(records.map { PostgresRawJSON($0.input) }),
                                     \(records.map { PostgresRawJSON($0.output) }), \(records.map(\.ivtStatus)), \(records.map(\.evtRecommendation)),
                                     \(records.map(\.requestId)), \(rows.map(\.viaSpool)))
                ON CONFLICT (id) DO NOTHING
                RETURNING id
                """, prepared: true
            ).map { try $0.decode(UUID.self, at: 0) })
    }

    /// The stored request and answer of one evaluation, if the context may see it.
    public func find(_ id: UUID, as context: AccessContext) async throws -> (summary: AcuteEvaluationSummary, input: Data, output: Data)? {
        let found = try await pool.withAccess(context, readOnly: true) { connection -> (AcuteEvaluationSummary, Data, Data, UUID?)? in
            guard
                let row = try await connection.query(
                    """
                    SELECT \(fragment: Self.summaryColumns), input, output, patient_id FROM acute_evaluations WHERE id = \(id)
                    """, prepared: true
                ).first
            else { return nil }
            let (evaluation, at, by, profile, version, ivt, evt, viaSpool, input, output, patient) =
                try row.decode((UUID, Date, String, String, String, String, String, Bool, PostgresRawJSON, PostgresRawJSON, UUID?).self)
            let summary = AcuteEvaluationSummary(
                id: evaluation, evaluatedAt: at, evaluatedBy: by, profile: profile, protocolVersion: version, ivtStatus: ivt, evtRecommendation: evt,
                viaSpool: viaSpool)
            return (summary, input.bytes, output.bytes, patient)
        }
        try await audit.record([
            context.auditEvent(
                .read, patient: found?.3, resource: "AcuteEvaluation", resourceID: id.uuidString,
                outcome: found == nil ? .denied : .success)
        ])
        return found.map { ($0.0, $0.1, $0.2) }
    }

    /// An episode's evaluations, newest first; nil when the context cannot see the episode.
    public func list(episode: UUID, as context: AccessContext) async throws -> [AcuteEvaluationSummary]? {
        let found = try await pool.withAccess(context, readOnly: true) { connection -> (UUID, [AcuteEvaluationSummary])? in
            guard
                let patient = try await connection.query("SELECT patient_id FROM stroke_episodes WHERE id = \(episode)", prepared: true)
                    .first?.decode(UUID.self)
            else { return nil }
            let summaries = try await connection.query(
                """
                SELECT \(fragment: Self.summaryColumns) FROM acute_evaluations WHERE episode_id = \(episode)
                ORDER BY evaluated_at DESC, id LIMIT 500
                """, prepared: true
            ).map(Self.summary)
            return (patient, summaries)
        }
        try await audit.record([
            context.auditEvent(
                .search, patient: found?.0, resource: "AcuteEvaluation", resourceID: episode.uuidString,
                outcome: found == nil ? .denied : .success)
        ])
        return found?.1
    }

    static let summaryColumns: StaticString = "id, evaluated_at, evaluated_by, profile, protocol_version, ivt_status, evt_recommendation, via_spool"

    static func summary(_ row: PostgresRow) throws -> AcuteEvaluationSummary {
        let (id, at, by, profile, version, ivt, evt, viaSpool) = try row.decode((UUID, Date, String, String, String, String, String, Bool).self)
        return AcuteEvaluationSummary(
            id: id, evaluatedAt: at, evaluatedBy: by, profile: profile, protocolVersion: version, ivtStatus: ivt, evtRecommendation: evt,
            viaSpool: viaSpool)
    }
}

extension Refusal {
    /// An evaluation names an episode the caller cannot see.
    public static let unknownEpisode = Refusal.notFound("No episode with that id is accessible to you.")
}
