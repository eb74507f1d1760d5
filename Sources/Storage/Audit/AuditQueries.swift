import Clinical
public import Foundation
public import Postgres

/// Reading the audit log: a patient's access-log extract, and the auditor's search and random
/// sample, scoped in the database to the caller's organisations.
public enum AuditQueries {
    /// One line of a patient's access-log extract.
    public struct ExtractEntry: Sendable, Equatable, Codable {
        public var recordedAt: Date
        public var organisation: String?
        public var role: String
        public var action: String
        public var purpose: String
        public var breakGlass: Bool
    }

    /// One audit row as the auditor sees it.
    public struct Entry: Sendable, Equatable, Codable {
        public var seq: Int
        public var recordedAt: Date
        public var actorSubject: String
        public var actorRole: String
        public var actorOrganisation: UUID?
        public var action: String
        public var patientId: UUID?
        public var resourceType: String
        public var resourceId: String?
        public var purpose: String
        public var outcome: String
        public var breakGlassReason: String?
        public var requestId: String?
        public var clientAddress: String?
        public var sealed: Bool
        /// What the fixed fields cannot say (a bulk export's scope, legal basis and counts), as JSON text.
        public var detail: String?
    }

    /// What the auditor asks for.
    public struct Filter: Sendable {
        public var since: Date
        public var until: Date
        public var subject: String?
        public var patient: UUID?
        public var onlyBreakGlass: Bool
        /// A random sample of this size instead of a filtered list.
        public var sampleSize: Int?
        public var limit: Int

        public init(
            since: Date, until: Date, subject: String? = nil, patient: UUID? = nil,
            onlyBreakGlass: Bool = false, sampleSize: Int? = nil, limit: Int = 500
        ) {
            self.since = since
            self.until = until
            self.subject = subject
            self.patient = patient
            self.onlyBreakGlass = onlyBreakGlass
            self.sampleSize = sampleSize
            self.limit = limit
        }
    }

    /// Who accessed a patient's record, when, from which unit (the access itself is audited
    /// as an export, through `audit`, before it is returned). Auditors read as
    /// `strokepath_auditor`, for their organisations' patients only; anyone else through the
    /// owner-run extract, for a patient they may see. Any other patient is
    /// `Refusal.unknownPatientRecord`, as an unknown one is.
    public static func extract(
        for patient: UUID, as context: AccessContext, pool: PostgresPool, audit: AuditWriter
    ) async throws -> [ExtractEntry] {
        let rows: [(Date, String?, String, String, String, Bool)]
        do {
            rows = try await pool.withAccess(context, readOnly: true) { connection in
                guard context.isAuditor else {
                    return try await connection.query(
                        """
                        SELECT recorded_at, organisation_name, actor_role, action, purpose, break_glass
                        FROM audit_patient_extract(\(patient))
                        """
                    ).decode((Date, String?, String, String, String, Bool).self)
                }
                try await connection.query("SET LOCAL ROLE strokepath_auditor")
                let held = try await connection.query(
                    "SELECT EXISTS (SELECT 1 FROM patients WHERE id = \(patient) AND organisation_id = ANY (app_organisation_ids()))"
                ).single().decode(Bool.self)
                guard held else { throw Refusal.unknownPatientRecord }
                return try await connection.query(
                    """
                    SELECT e.recorded_at, o.name, e.actor_role, e.action::text, e.purpose, e.break_glass_reason IS NOT NULL
                    FROM audit_events e LEFT JOIN organisations o ON o.id = e.actor_organisation_id
                    WHERE e.patient_id = \(patient)
                    ORDER BY e.recorded_at DESC, e.seq DESC
                    LIMIT 500
                    """
                ).decode((Date, String?, String, String, String, Bool).self)
            }
            try await audit.record([context.auditEvent(.export, patient: patient, resource: "AccessLogExtract", purpose: "patient_information")])
        } catch let error as PostgresError where error.sqlState == SQLState.insufficientPrivilege {
            throw Refusal.unknownPatientRecord
        }
        return rows.map { ExtractEntry(recordedAt: $0.0, organisation: $0.1, role: $0.2, action: $0.3, purpose: $0.4, breakGlass: $0.5) }
    }

    /// The auditor's search or sample, read as `strokepath_auditor`: the events done by staff
    /// of the caller's organisations and the events about their patients (row-level security
    /// on the audit log), nothing for a caller with no organisation, nothing for anyone else.
    public static func search(_ filter: Filter, as context: AccessContext, pool: PostgresPool) async throws -> [Entry] {
        guard context.isAuditor else { throw Refusal.notPermitted("Only auditors search the audit log.") }
        let limit = Int32(min(max(filter.sampleSize ?? filter.limit, 1), filter.sampleSize == nil ? 5000 : 1000))
        return try await pool.withAccess(context, readOnly: true) { connection in
            try await connection.query("SET LOCAL ROLE strokepath_auditor")
            let rows = try await connection.query(
                """
                SELECT seq, recorded_at, actor_subject, actor_role, actor_organisation_id, action::text, patient_id,
                       resource_type, resource_id, purpose, outcome::text, break_glass_reason, request_id,
                       host(client_address), chain_position IS NOT NULL, detail::text
                FROM audit_events e
                WHERE e.recorded_at >= \(filter.since) AND e.recorded_at < \(filter.until)
                  AND (\(filter.subject)::text IS NULL OR e.actor_subject = \(filter.subject))
                  AND (\(filter.patient)::uuid IS NULL OR e.patient_id = \(filter.patient))
                  AND (NOT \(filter.onlyBreakGlass) OR e.break_glass_reason IS NOT NULL)
                ORDER BY CASE WHEN \(filter.sampleSize != nil) THEN random() END, e.recorded_at DESC, e.seq DESC
                LIMIT \(limit)
                """)
            return try rows.map { row in
                let value = try row.decode(
                    (Int, Date, String, String, UUID?, String, UUID?, String, String?, String, String, String?, String?, String?, Bool, String?).self
                )
                return Entry(
                    seq: value.0, recordedAt: value.1, actorSubject: value.2, actorRole: value.3, actorOrganisation: value.4,
                    action: value.5, patientId: value.6, resourceType: value.7, resourceId: value.8, purpose: value.9,
                    outcome: value.10, breakGlassReason: value.11, requestId: value.12, clientAddress: value.13, sealed: value.14,
                    detail: value.15
                )
            }
        }
    }
}

extension AccessContext {
    /// Whether the caller reads the audit log as an auditor.
    var isAuditor: Bool { role == "auditor" }
}
