public import Foundation
public import Postgres

/// What a region holds, for a bulk export (FHIR Bulk Data): its patients, acute episodes with
/// their 90-day outcomes and clinician-rated assessments, read set-based a batch of patients at
/// a time in one read-only snapshot (repeatable read) under row-level security, acting for the
/// region's organisations and every one below them. Only rows those organisations hold are read:
/// a patient registered elsewhere and cared for here is the other region's to export.
public struct RegionRecords: Sendable {
    /// One batch: patients in id order, and the rows of theirs the scope holds.
    public struct Batch: Sendable {
        public var patients: [Patient]
        public var episodes: [AcuteEpisode]
        /// The modified Rankin Scale 90 days after the stroke, by episode, where followed up.
        public var mrs90: [UUID: Int]
        /// Assessments, withdrawn ones left out, without their notes (free text may name someone).
        public var observations: [RecoveryObservation]
    }

    /// The organisations exported: the roots asked for and all below them, and those above the
    /// roots (a `partOf` leads there). `held` are the ones whose rows are read.
    public struct Scope: Sendable {
        public var organisations: [ChartOrganisation]
        public var held: [UUID]
        /// How many patients the scope holds: the export's progress is counted in them.
        public var patients: Int
    }

    public let pool: PostgresPool

    public init(pool: PostgresPool) {
        self.pool = pool
    }

    /// Reads the records of the organisations `roots` and those below them, acting as `context`
    /// for those organisations: first the scope and the snapshot's time, then `body` with each
    /// batch of at most `batchSize` patients, all in one snapshot. `body` may throw to stop.
    public func read(
        _ roots: [UUID], as context: AccessContext, batchSize: Int = 5_000, scope found: (Scope, Date) async throws -> Void,
        _ body: (Batch) async throws -> Void
    ) async throws {
        let held = try await pool.withAccess(context, readOnly: true) { connection in
            try await Self.tree(roots, on: connection)
        }
        var acting = context
        acting.organisations = held
        // One run: a standby that cancels the long read to replay (a serialization failure) is
        // left to the caller, who reads the primary instead, rather than read again from the start.
        try await pool.withAccess(acting, level: .repeatableRead, readOnly: true, maxAttempts: 1) { connection in
            // The snapshot holds every change committed before it: on a standby, up to the last
            // transaction it replayed (unknown when it has replayed none: read the primary).
            let (patients, snapshot) = try await connection.query(
                """
                SELECT count(*)::int, CASE WHEN pg_is_in_recovery() THEN pg_last_xact_replay_timestamp() ELSE now() END
                FROM patients WHERE organisation_id = ANY (\(held))
                """, prepared: true
            ).single().decode((Int, Date?).self)
            guard let snapshot else { throw ReplicaBehind() }
            let named = try await PatientCharts.organisations(held, on: connection)
            try await found(Scope(organisations: named, held: held, patients: patients), snapshot)
            var after: UUID?
            while true {
                let batch = try await Self.batch(after: after, held: held, limit: batchSize, on: connection)
                guard let last = batch.patients.last else { return }
                try await body(batch)
                after = last.id
            }
        }
    }

    /// The organisations `roots` and every one below them.
    static func tree(_ roots: [UUID], on connection: PostgresConnection) async throws -> [UUID] {
        try await connection.query(
            """
            WITH RECURSIVE below AS (
                SELECT id FROM organisations WHERE id = ANY (\(roots))
                UNION
                SELECT o.id FROM organisations o JOIN below b ON o.parent_id = b.id
            )
            SELECT id FROM below ORDER BY id
            """, prepared: true
        ).map { try $0.decode(UUID.self) }
    }

    private static func batch(after: UUID?, held: [UUID], limit: Int, on connection: PostgresConnection) async throws -> Batch {
        // Two statements, not `$1 IS NULL OR id > $1`: a prepared statement's generic plan would
        // not bound the index scan, and each batch would read from the first patient again.
        let query: PostgresQuery =
            if let after {
                """
                SELECT id, organisation_id, pseudonym, birth_year, sex, created_at FROM patients
                WHERE organisation_id = ANY (\(held)) AND id > \(after) ORDER BY id LIMIT \(limit)
                """
            } else {
                """
                SELECT id, organisation_id, pseudonym, birth_year, sex, created_at FROM patients
                WHERE organisation_id = ANY (\(held)) ORDER BY id LIMIT \(limit)
                """
            }
        let patients = try await connection.query(query, prepared: true).map { row in
            let (id, organisation, pseudonym, birthYear, sex, createdAt) = try row.decode((UUID, UUID, String, Int?, String, Date).self)
            return Patient(id: id, organisationId: organisation, pseudonym: pseudonym, birthYear: birthYear, sex: sex, createdAt: createdAt)
        }
        guard !patients.isEmpty else { return Batch(patients: [], episodes: [], mrs90: [:], observations: []) }
        let ids = patients.map(\.id)
        let episodes = try await connection.query(
            """
            SELECT \(fragment: AcuteEpisodes.columns) FROM stroke_episodes
            WHERE patient_id = ANY (\(ids)) AND organisation_id = ANY (\(held)) ORDER BY patient_id, arrival_at NULLS LAST, created_at, id
            """, prepared: true
        ).map(AcuteEpisodes.decode)
        let followUps = try await connection.query(
            """
            SELECT id, mrs_90 FROM stroke_episodes
            WHERE patient_id = ANY (\(ids)) AND organisation_id = ANY (\(held)) AND mrs_90 IS NOT NULL
            """, prepared: true
        ).map { try $0.decode((UUID, Int).self) }
        let observations = try await connection.query(
            """
            SELECT id, organisation_id, instrument, observed_at, value, rater, NULL::text, recorded_by, patient_id FROM recovery_observations
            WHERE patient_id = ANY (\(ids)) AND organisation_id = ANY (\(held)) AND withdrawn_at IS NULL ORDER BY patient_id, observed_at, id
            """, prepared: true
        ).compactMap { row in
            let (id, organisation, instrument, observedAt, value, rater, note, recordedBy, patient) =
                try row.decode((UUID, UUID, String, Date, Int, String, String?, String, UUID).self)
            return RecoveryObservation((id, organisation, instrument, observedAt, value, rater, note, recordedBy), patient: patient)
        }
        return Batch(
            patients: patients, episodes: episodes, mrs90: Dictionary(followUps, uniquingKeysWith: { first, _ in first }), observations: observations)
    }
}
