import Clinical
public import Foundation
public import Postgres

/// Stroke episodes and their acute time stamps, under row-level security; every access is
/// audited (writes in their transaction, reads through the group-committing writer).
public struct AcuteEpisodes: Sendable {
    public let pool: PostgresPool
    public let audit: AuditWriter

    public init(pool: PostgresPool, audit: AuditWriter) {
        self.pool = pool
        self.audit = audit
    }

    static let columns: StaticString = """
        id, organisation_id, patient_id, stroke_type::text, last_known_well, onset_witnessed, arrival_at, nihss_at_arrival,
        imaging_at, needle_at, thrombolytic, groin_puncture_at, reperfusion_at, mtici::text,
        door_to_imaging_min, door_to_needle_min, door_to_groin_min, onset_to_needle_min, onset_to_groin_min, created_at, arrival_mode
        """

    /// Opens an episode for a patient the context may see, held by `organisation` (which the
    /// context must act for), with the first time stamps.
    public func create(
        patient: UUID, organisation: UUID, changes: EpisodeChanges, as context: AccessContext
    ) async throws -> AcuteEpisode {
        try await pool.withAccess(context) { connection in
            let id = try await connection.query(
                """
                INSERT INTO stroke_episodes (organisation_id, patient_id) VALUES (\(organisation), \(patient)) RETURNING id
                """, prepared: true
            ).single().decode(UUID.self)
            let episode = try await Self.apply(changes, to: id, on: connection)
            try await AuditLog.record(context.auditEvent(.create, patient: patient, resource: "Episode", resourceID: id.uuidString), on: connection)
            return episode
        }
    }

    /// Sets or clears time stamps and details; nil when the context cannot see the episode.
    public func update(_ id: UUID, changes: EpisodeChanges, as context: AccessContext) async throws -> AcuteEpisode? {
        try await pool.withAccess(context) { connection in
            guard
                let patient = try await connection.query("SELECT patient_id FROM stroke_episodes WHERE id = \(id) FOR UPDATE", prepared: true)
                    .first?.decode(UUID.self)
            else { return nil }
            let episode = try await Self.apply(changes, to: id, on: connection)
            try await AuditLog.record(context.auditEvent(.update, patient: patient, resource: "Episode", resourceID: id.uuidString), on: connection)
            return episode
        }
    }

    /// One episode, if the context may see it (the read is audited either way).
    public func find(_ id: UUID, as context: AccessContext) async throws -> AcuteEpisode? {
        let episode = try await pool.withAccess(context, readOnly: true) { connection in
            try await connection.query("SELECT \(fragment: Self.columns) FROM stroke_episodes WHERE id = \(id)", prepared: true)
                .first.map(Self.decode)
        }
        try await audit.record([
            context.auditEvent(
                .read, patient: episode?.patientId, resource: "Episode", resourceID: id.uuidString,
                outcome: episode == nil ? .denied : .success)
        ])
        return episode
    }

    /// The episodes of the context's own organisations that arrived (or, not yet stamped, were
    /// opened) since `since`, newest first (at most 50): the acute team's board (a patient seen
    /// through a care relationship or a break-glass grant is not on it). Each patient listed is an audited search.
    public func recent(since: Date, as context: AccessContext) async throws -> [AcuteEpisode] {
        let episodes = try await pool.withAccess(context, readOnly: true) { connection in
            try await connection.query(
                """
                SELECT \(fragment: Self.columns) FROM stroke_episodes
                WHERE coalesce(arrival_at, created_at) >= \(since) AND organisation_id = ANY (app_organisation_ids())
                ORDER BY coalesce(arrival_at, created_at) DESC, id LIMIT 50
                """,
                prepared: true
            ).map(Self.decode)
        }
        try await audit.record(episodes.map { context.auditEvent(.search, patient: $0.patientId, resource: "Episode", resourceID: $0.id.uuidString) })
        return episodes
    }

    /// Stamps one of the episode's moments with the database's clock, once: a moment already
    /// stamped keeps its time (a correction is an `update`), so a second tap, or a colleague's
    /// tap at the same moment, changes nothing. nil when the context cannot see the episode.
    public func stamp(
        _ id: UUID, _ moment: EpisodeMoment, thrombolytic: String? = nil, as context: AccessContext
    ) async throws -> (episode: AcuteEpisode, stamped: Bool)? {
        try await pool.withAccess(context) { connection in
            guard
                let row = try await connection.query(
                    "SELECT patient_id, \(identifier: moment.column) IS NULL FROM stroke_episodes WHERE id = \(id) FOR UPDATE", prepared: true
                ).first
            else { return nil }
            let (patient, unset) = try row.decode((UUID, Bool).self)
            if unset {
                try await connection.query(
                    "UPDATE stroke_episodes SET \(identifier: moment.column) = now() WHERE id = \(id)", prepared: true)
                if moment == .needle, let thrombolytic {
                    try await connection.query("UPDATE stroke_episodes SET thrombolytic = \(thrombolytic) WHERE id = \(id)", prepared: true)
                }
                try await AuditLog.record(context.auditEvent(.update, patient: patient, resource: "Episode", resourceID: id.uuidString), on: connection)
            } else {
                try await AuditLog.record(context.auditEvent(.read, patient: patient, resource: "Episode", resourceID: id.uuidString), on: connection)
            }
            let episode = try Self.decode(
                try await connection.query("SELECT \(fragment: Self.columns) FROM stroke_episodes WHERE id = \(id)", prepared: true).single())
            return (episode, unset)
        }
    }

    /// What clearing a moment did.
    public enum Cleared: Sendable, Equatable {
        case cleared
        /// The moment is no longer the one the caller saw (cleared or stamped again since): kept.
        case changedSince
    }

    /// Clears a moment stamped by mistake, with what rests on it (the agent with the needle; the
    /// mTICI grade and reperfusion with the puncture), only while it is still the one the caller
    /// saw (`seen`, to the millisecond): a colleague's stamp made since stays. Audited; nil when
    /// the context cannot see the episode.
    public func clear(_ id: UUID, _ moment: EpisodeMoment, seen: Date, as context: AccessContext) async throws -> Cleared? {
        try await pool.withAccess(context) { connection in
            guard
                let row = try await connection.query(
                    "SELECT patient_id, extract(epoch FROM \(identifier: moment.column))::float8 FROM stroke_episodes WHERE id = \(id) FOR UPDATE",
                    prepared: true
                ).first
            else { return nil }
            let (patient, stored) = try row.decode((UUID, Double?).self)
            guard let stored, abs(stored - seen.timeIntervalSince1970) < 0.001 else { return .changedSince }
            let dependents: StaticString =
                switch moment {
                case .needle: ", thrombolytic = NULL"
                case .groinPuncture: ", mtici = NULL, reperfusion_at = NULL"
                case .arrival, .imaging: ""
                }
            try await connection.query(
                "UPDATE stroke_episodes SET \(identifier: moment.column) = NULL\(fragment: dependents) WHERE id = \(id)", prepared: true)
            try await AuditLog.record(context.auditEvent(.update, patient: patient, resource: "Episode", resourceID: id.uuidString), on: connection)
            return .cleared
        }
    }

    /// What recording the thrombolytic agent did.
    public enum AgentRecorded: Sendable, Equatable {
        case recorded
        /// Recorded before (by a colleague): kept.
        case already(String)
        /// No needle time yet: the agent is recorded with it.
        case noNeedle
    }

    /// Records the agent given at the needle, once: one recorded before stays. Audited; nil
    /// when the context cannot see the episode.
    public func recordAgent(_ id: UUID, _ agent: String, as context: AccessContext) async throws -> AgentRecorded? {
        try await pool.withAccess(context) { connection in
            guard
                let row = try await connection.query(
                    "SELECT patient_id, thrombolytic, needle_at IS NOT NULL FROM stroke_episodes WHERE id = \(id) FOR UPDATE", prepared: true
                ).first
            else { return nil }
            let (patient, recorded, needled) = try row.decode((UUID, String?, Bool).self)
            if let recorded { return .already(recorded) }
            guard needled else { return .noNeedle }
            try await connection.query("UPDATE stroke_episodes SET thrombolytic = \(agent) WHERE id = \(id)", prepared: true)
            try await AuditLog.record(context.auditEvent(.update, patient: patient, resource: "Episode", resourceID: id.uuidString), on: connection)
            return .recorded
        }
    }

    /// The constraints that keep an episode's moments at or after last known well.
    static let orderConstraints: Set<String> = ["stroke_episodes_check", "stroke_episodes_times_after_lkw", "stroke_episodes_reperfusion_after_puncture"]

    private static func apply(_ changes: EpisodeChanges, to id: UUID, on connection: PostgresConnection) async throws -> AcuteEpisode {
        do {
            return try await update(changes, of: id, on: connection)
        } catch let error as PostgresError where error.sqlState == SQLState.checkViolation {
            throw refusal(error) ?? error
        }
    }

    /// What an episode's check violation means, for the field that broke it; nil for another.
    static func refusal(_ error: PostgresError) -> Refusal? {
        switch error.constraint {
        case let name? where orderConstraints.contains(name):
            Refusal.invalid("times", "must be in order: arrival, imaging, needle and groin puncture at or after last known well, reperfusion after puncture")
        case "stroke_episodes_thrombolytic_with_needle": Refusal.invalid("thrombolytic", "is recorded with the needle time")
        case "stroke_episodes_mtici_with_puncture": Refusal.invalid("mtici", "is recorded with the groin puncture time")
        default: nil
        }
    }

    private static func update(_ changes: EpisodeChanges, of id: UUID, on connection: PostgresConnection) async throws -> AcuteEpisode {
        func set<Value>(_ value: Value??) -> Bool { value != nil }
        return try decode(
            try await connection.query(
                """
                UPDATE stroke_episodes SET
                    stroke_type = coalesce(\(changes.strokeType?.rawValue)::stroke_type, stroke_type),
                    last_known_well = CASE WHEN \(set(changes.lastKnownWell)) THEN \(changes.lastKnownWell ?? nil) ELSE last_known_well END,
                    onset_witnessed = CASE WHEN \(set(changes.onsetWitnessed)) THEN \(changes.onsetWitnessed ?? nil) ELSE onset_witnessed END,
                    arrival_at = CASE WHEN \(set(changes.arrivalAt)) THEN \(changes.arrivalAt ?? nil) ELSE arrival_at END,
                    arrival_mode = CASE WHEN \(set(changes.arrivalMode)) THEN \(changes.arrivalMode ?? nil) ELSE arrival_mode END,
                    nihss_at_arrival = CASE WHEN \(set(changes.nihssAtArrival)) THEN \((changes.nihssAtArrival ?? nil).map(Int32.init)) ELSE nihss_at_arrival END,
                    imaging_at = CASE WHEN \(set(changes.imagingAt)) THEN \(changes.imagingAt ?? nil) ELSE imaging_at END,
                    needle_at = CASE WHEN \(set(changes.needleAt)) THEN \(changes.needleAt ?? nil) ELSE needle_at END,
                    thrombolytic = CASE WHEN \(set(changes.thrombolytic)) THEN \(changes.thrombolytic ?? nil) ELSE thrombolytic END,
                    groin_puncture_at = CASE WHEN \(set(changes.groinPunctureAt)) THEN \(changes.groinPunctureAt ?? nil) ELSE groin_puncture_at END,
                    reperfusion_at = CASE WHEN \(set(changes.reperfusionAt)) THEN \(changes.reperfusionAt ?? nil) ELSE reperfusion_at END,
                    mtici = CASE WHEN \(set(changes.mtici)) THEN \(changes.mtici ?? nil)::mtici_grade ELSE mtici END
                WHERE id = \(id)
                RETURNING \(fragment: columns)
                """, prepared: true
            ).single())
    }

    /// An episode from a row of `columns`.
    static func decode(_ row: PostgresRow) throws -> AcuteEpisode {
        let (
            id, organisation, patient, strokeType, lastKnownWell, witnessed, arrival, nihss, imaging, needle, thrombolytic, groin, reperfusion, mtici,
            doorToImaging, doorToNeedle, doorToGroin, onsetToNeedle, onsetToGroin, createdAt, arrivalMode
        ) = try row.decode(
            (
                UUID, UUID, UUID, StrokeType, Date?, Bool?, Date?, Int?, Date?, Date?, String?, Date?, Date?, String?, Int?, Int?, Int?, Int?, Int?, Date,
                String?
            ).self)
        return AcuteEpisode(
            id: id, organisationId: organisation, patientId: patient, strokeType: strokeType, lastKnownWell: lastKnownWell, onsetWitnessed: witnessed,
            arrivalAt: arrival, arrivalMode: arrivalMode, nihssAtArrival: nihss, imagingAt: imaging, needleAt: needle, thrombolytic: thrombolytic,
            groinPunctureAt: groin, reperfusionAt: reperfusion, mtici: mtici, doorToImagingMin: doorToImaging, doorToNeedleMin: doorToNeedle,
            doorToGroinMin: doorToGroin, onsetToNeedleMin: onsetToNeedle, onsetToGroinMin: onsetToGroin, createdAt: createdAt)
    }
}
