public import Foundation
public import Postgres

/// Stored acute evaluations: written with their audit row in one transaction (idempotent by
/// id, so a spooled evaluation written twice is stored and audited once), read back exactly
/// as given.
public struct AcuteEvaluations: Sendable {
    public let pool: PostgresPool
    public let audit: AuditWriter

    public init(pool: PostgresPool, audit: AuditWriter) {
        self.pool = pool
        self.audit = audit
    }

    /// Why an evaluation could not be linked to its episode.
    public struct EpisodeNotFound: Error, Sendable {}

    /// Stores the evaluation and its audit row; returns false when it was already stored.
    /// Throws `EpisodeNotFound` when the record names an episode the caller cannot see.
    @discardableResult
    public func store(_ record: AcuteEvaluationRecord, viaSpool: Bool = false) async throws -> Bool {
        let context = record.accessContext
        return try await pool.withAccess(context) { connection in
            var patient: UUID?
            if let episode = record.episodeId {
                patient = try await connection.query("SELECT patient_id FROM stroke_episodes WHERE id = \(episode)", prepared: true)
                    .first?.decode(UUID.self, at: 0)
                guard patient != nil else { throw EpisodeNotFound() }
            }
            let inserted = try await connection.query("""
                INSERT INTO acute_evaluations (organisation_id, id, episode_id, patient_id, evaluated_at, evaluated_by, evaluator_role,
                                               profile, protocol_version, outcome_model, input, output, ivt_status, evt_recommendation,
                                               request_id, via_spool)
                VALUES (\(record.organisationId), \(record.id), \(record.episodeId), \(patient), \(record.evaluatedAt),
                        \(record.subject), \(record.role), \(record.profile), \(record.protocolVersion), \(record.outcomeModel),
                        \(PostgresRawJSON(record.input)), \(PostgresRawJSON(record.output)), \(record.ivtStatus), \(record.evtRecommendation),
                        \(record.requestId), \(viaSpool))
                ON CONFLICT (id) DO NOTHING
                RETURNING id
                """, prepared: true).first != nil
            if inserted {
                try await AuditLog.record(context.auditEvent(.create, patient: patient, resource: "AcuteEvaluation",
                                                             resourceID: record.id.uuidString), on: connection)
            }
            return inserted
        }
    }

    /// The stored request and answer of one evaluation, if the context may see it.
    public func find(_ id: UUID, as context: AccessContext) async throws -> (summary: AcuteEvaluationSummary, input: Data, output: Data)? {
        let found = try await pool.withAccess(context, readOnly: true) { connection -> (AcuteEvaluationSummary, Data, Data, UUID?)? in
            guard let row = try await connection.query("""
                SELECT \(fragment: Self.summaryColumns), input, output, patient_id FROM acute_evaluations WHERE id = \(id)
                """, prepared: true).first else { return nil }
            return (try Self.summary(row), try row.decode(PostgresRawJSON.self, at: 8).bytes,
                    try row.decode(PostgresRawJSON.self, at: 9).bytes, try row.decode(UUID?.self, at: 10))
        }
        try await audit.record([context.auditEvent(.read, patient: found?.3, resource: "AcuteEvaluation", resourceID: id.uuidString,
                                                   outcome: found == nil ? .denied : .success)])
        return found.map { ($0.0, $0.1, $0.2) }
    }

    /// An episode's evaluations, newest first; nil when the context cannot see the episode.
    public func list(episode: UUID, as context: AccessContext) async throws -> [AcuteEvaluationSummary]? {
        let found = try await pool.withAccess(context, readOnly: true) { connection -> (UUID, [AcuteEvaluationSummary])? in
            guard let patient = try await connection.query("SELECT patient_id FROM stroke_episodes WHERE id = \(episode)", prepared: true)
                .first?.decode(UUID.self, at: 0) else { return nil }
            let summaries = try await connection.query("""
                SELECT \(fragment: Self.summaryColumns) FROM acute_evaluations WHERE episode_id = \(episode)
                ORDER BY evaluated_at DESC, id LIMIT 500
                """, prepared: true).map(Self.summary)
            return (patient, summaries)
        }
        try await audit.record([context.auditEvent(.search, patient: found?.0, resource: "AcuteEvaluation", resourceID: episode.uuidString,
                                                   outcome: found == nil ? .denied : .success)])
        return found?.1
    }

    static let summaryColumns: StaticString = "id, evaluated_at, evaluated_by, profile, protocol_version, ivt_status, evt_recommendation, via_spool"

    static func summary(_ row: PostgresRow) throws -> AcuteEvaluationSummary {
        AcuteEvaluationSummary(
            id: try row.decode(UUID.self, at: 0), evaluatedAt: try row.decode(Date.self, at: 1), evaluatedBy: try row.decode(String.self, at: 2),
            profile: try row.decode(String.self, at: 3), protocolVersion: try row.decode(String.self, at: 4),
            ivtStatus: try row.decode(String.self, at: 5), evtRecommendation: try row.decode(String.self, at: 6),
            viaSpool: try row.decode(Bool.self, at: 7)
        )
    }
}
