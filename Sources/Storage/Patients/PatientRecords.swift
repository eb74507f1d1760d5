public import Clinical
public import Foundation
public import Postgres

/// A pseudonymous patient as the API shows it.
public struct Patient: Sendable, Equatable, Codable {
    public var id: UUID
    public var organisationId: UUID
    public var pseudonym: String
    public var birthYear: Int?
    public var sex: String
    public var createdAt: Date

    public init(id: UUID, organisationId: UUID, pseudonym: String, birthYear: Int?, sex: String, createdAt: Date) {
        self.id = id
        self.organisationId = organisationId
        self.pseudonym = pseudonym
        self.birthYear = birthYear
        self.sex = sex
        self.createdAt = createdAt
    }
}

/// Patients, read and written under row-level security. Every access is audited, one row
/// per patient touched: writes in their own transaction, reads through the group-committing
/// `AuditWriter` before the caller answers.
public struct PatientRecords: Sendable {
    public let pool: PostgresPool
    public let audit: AuditWriter
    /// Break-glass grants one user may open in 24 hours.
    public let breakGlassPerDay: Int

    public init(pool: PostgresPool, audit: AuditWriter, breakGlassPerDay: Int = 5) {
        self.pool = pool
        self.audit = audit
        self.breakGlassPerDay = breakGlassPerDay
    }

    /// Registers a patient for `organisation` (which the context must act for).
    public func register(
        pseudonym: String, birthYear: Int?, sex: String, organisation: UUID, as context: AccessContext
    ) async throws -> Patient {
        try await pool.withAccess(context) { connection in
            let patient = try Self.decode(
                try await connection.query(
                    """
                    INSERT INTO patients (organisation_id, pseudonym, birth_year, sex)
                    VALUES (\(organisation), \(pseudonym), \(birthYear), \(sex))
                    RETURNING id, organisation_id, pseudonym, birth_year, sex, created_at
                    """, prepared: true
                ).single())
            try await AuditLog.record(context.auditEvent(.create, patient: patient.id, resource: "Patient", resourceID: patient.id.uuidString), on: connection)
            return patient
        }
    }

    /// One patient, if the context may see them. A refused or unknown id is recorded as a
    /// denied read and answers nil, so the caller cannot tell the two apart.
    public func find(_ id: UUID, as context: AccessContext) async throws -> Patient? {
        let (patient, breakGlassReason) = try await pool.withAccess(context, readOnly: true) { connection -> (Patient?, String?) in
            let rows = try await connection.query(
                "SELECT id, organisation_id, pseudonym, birth_year, sex, created_at FROM patients WHERE id = \(id)", prepared: true)
            guard let row = rows.first else { return (nil, nil) }
            let patient = try Self.decode(row)
            return (patient, try await Self.breakGlassReason(for: patient, context: context, on: connection))
        }
        try await audit.record([
            context.auditEvent(
                .read, patient: id, resource: "Patient", resourceID: id.uuidString,
                outcome: patient == nil ? .denied : .success, breakGlassReason: breakGlassReason
            )
        ])
        return patient
    }

    /// The pseudonyms of the patients among `ids` the context may see, in one query: for a list
    /// that names patients (the acute board). Each patient found is an audited search.
    public func pseudonyms(of ids: [UUID], as context: AccessContext) async throws -> [UUID: String] {
        let wanted = Array(Set(ids))
        guard !wanted.isEmpty else { return [:] }
        let found = try await pool.withAccess(context, readOnly: true) { connection in
            try await connection.query("SELECT id, pseudonym FROM patients WHERE id = ANY (\(wanted))", prepared: true).map {
                try $0.decode((UUID, String).self)
            }
        }
        try await audit.record(found.map { context.auditEvent(.search, patient: $0.0, resource: "Patient", resourceID: $0.0.uuidString) })
        return Dictionary(found, uniquingKeysWith: { first, _ in first })
    }

    /// The patients the context may see, newest first, a page at a time (at most 100).
    public func list(limit: Int, offset: Int, as context: AccessContext) async throws -> [Patient] {
        let limit = min(max(limit, 1), 100)
        let offset = max(offset, 0)
        let patients = try await pool.withAccess(context, readOnly: true) { connection in
            try await connection.query(
                """
                SELECT id, organisation_id, pseudonym, birth_year, sex, created_at
                FROM patients ORDER BY created_at DESC, id LIMIT \(limit) OFFSET \(offset)
                """, prepared: true
            ).map(Self.decode)
        }
        try await audit.record(patients.map { context.auditEvent(.search, patient: $0.id, resource: "Patient", resourceID: $0.id.uuidString) })
        return patients
    }

    /// Opens the glass for the caller on a patient of their region (or a region under a
    /// regional agreement) for `minutes`, with the reason audited; returns the grant's end.
    /// An unknown patient and one out of scope are refused alike (`unknownPatientRecord`), so
    /// the answer tells nothing of which ids exist; more than `breakGlassPerDay` grants in 24
    /// hours is refused too.
    public func breakGlass(_ patient: UUID, reason: String, minutes: Int, as context: AccessContext) async throws -> Date {
        let perDay = Int32(clamping: breakGlassPerDay)
        let (outcome, until, acting) = try await pool.withAccess(context) { connection in
            let (outcome, until, acting) = try await connection.query(
                """
                SELECT outcome, valid_until, acting_organisation_id
                FROM break_glass_open(\(patient), \(reason), \(Int32(clamping: minutes)), \(perDay))
                """, prepared: true
            ).single().decode((String, Date?, UUID?).self)
            if until != nil {
                try await AuditLog.record(Self.breakGlassEvent(patient, reason: reason, acting: acting, outcome: .success, context), on: connection)
            }
            return (outcome, until, acting)
        }
        if let until { return until }
        // A refused attempt is audited too: the patient's organisation's auditors see probes.
        try await audit.record([Self.breakGlassEvent(patient, reason: reason, acting: acting, outcome: .denied, context)])
        throw outcome == "limit" ? Refusal.breakGlassLimit(perDay: Int(perDay)) : Refusal.unknownPatientRecord
    }

    /// The audit row of a break-glass attempt, for the organisation the grant acts for (when
    /// one of the caller's reaches the patient).
    private static func breakGlassEvent(
        _ patient: UUID, reason: String, acting: UUID?, outcome: AuditEvent.Outcome, _ context: AccessContext
    ) -> AuditEvent {
        var event = context.auditEvent(.create, patient: patient, resource: "BreakGlassGrant", outcome: outcome, purpose: "emergency", breakGlassReason: reason)
        if let acting { event.actorOrganisation = acting }
        return event
    }

    /// The reason of the subject's current break-glass grant when that is how the patient is
    /// visible (not through the context's organisations or a care relationship).
    static func breakGlassReason(for patient: Patient, context: AccessContext, on connection: PostgresConnection) async throws -> String? {
        guard !context.organisations.contains(patient.organisationId) else { return nil }
        return try await connection.query(
            """
            SELECT reason FROM break_glass_grants
            WHERE patient_id = \(patient.id) AND valid_until > now()
              AND NOT in_current_care(\(patient.id))
            ORDER BY valid_until DESC LIMIT 1
            """, prepared: true
        ).first?.decode(String.self)
    }

    private static func decode(_ row: PostgresRow) throws -> Patient {
        let (id, organisation, pseudonym, birthYear, sex, createdAt) = try row.decode((UUID, UUID, String, Int?, String, Date).self)
        return Patient(id: id, organisationId: organisation, pseudonym: pseudonym, birthYear: birthYear, sex: sex, createdAt: createdAt)
    }
}

extension Refusal {
    /// The patient a request addresses is not one the caller may see.
    public static let unknownPatientRecord = Refusal.notFound("No patient with that id is accessible to you.")

    /// The caller has opened as many break-glass grants as one user may in 24 hours.
    static func breakGlassLimit(perDay: Int) -> Refusal {
        Refusal(
            .notPermitted, "break-glass-limit",
            message: "You have opened \(perDay) break-glass grants in the last 24 hours, the most one user may; ask a colleague or your organisation's auditor."
        )
    }
}
