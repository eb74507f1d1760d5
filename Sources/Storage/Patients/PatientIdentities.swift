import Clinical
public import Foundation
public import Postgres

/// Who a patient is, for the staff who care for them and the letters they are sent: kept apart
/// from the pseudonymous clinical rows (migration 0024), never in logs, reports or exports.
public struct PatientIdentity: Sendable, Equatable, Codable {
    public enum Language: String, Sendable, Codable, CaseIterable {
        case sv, en

        /// Another word is an invalid field (422), named.
        public init(from decoder: any Decoder) throws {
            self = try Refusal.decodeName(Self.self, from: decoder)
        }
    }

    public var patientId: UUID
    public var displayName: String
    /// Twelve digits, century included (`PersonalIdentityNumber`).
    public var personalNumber: String?
    public var preferredLanguage: Language
    public var phone: String?
    public var email: String?
    public var postalAddress: String?

    public init(
        patientId: UUID, displayName: String, personalNumber: String? = nil, preferredLanguage: Language = .sv, phone: String? = nil,
        email: String? = nil, postalAddress: String? = nil
    ) {
        self.patientId = patientId
        self.displayName = displayName
        self.personalNumber = personalNumber
        self.preferredLanguage = preferredLanguage
        self.phone = phone
        self.email = email
        self.postalAddress = postalAddress
    }
}

/// Patients' identities under row-level security: read by the care staff of the patient's
/// organisations (the table's policy names the roles), written by clinicians and rehab
/// coordinators of the patient's own organisation. Every read is audited, one row per patient,
/// a refused or unknown one as denied; a write in its own transaction.
public struct PatientIdentities: Sendable {
    public let pool: PostgresPool
    public let audit: AuditWriter

    public init(pool: PostgresPool, audit: AuditWriter) {
        self.pool = pool
        self.audit = audit
    }

    /// The roles that read identities (the table's policy names the same).
    static let careRoles: Set<String> = ["clinician", "rehab_coordinator", "therapist"]

    /// The identity of a patient the context may see; nil when it has none, or the patient is
    /// not the context's to see (the caller cannot tell the two apart; the audit row can: a
    /// denied read is one the caller had no right to).
    public func find(_ patient: UUID, as context: AccessContext) async throws -> PatientIdentity? {
        try await findMany([patient], as: context)[patient]
    }

    /// The identities of several patients (a day's timetable, a group's letter): the ones the
    /// context may see, each read audited.
    public func findMany(_ patients: [UUID], as context: AccessContext) async throws -> [UUID: PatientIdentity] {
        let wanted = Array(Set(patients))
        guard !wanted.isEmpty else { return [:] }
        let (found, visible) = try await pool.withAccess(context, readOnly: true) { connection in
            let found = try await connection.query(
                "SELECT patient_id, display_name, personal_number, preferred_language, phone, email, postal_address FROM patient_identities WHERE patient_id = ANY (\(wanted))",
                prepared: true
            ).map(Self.decode)
            let visible = try await connection.query("SELECT id FROM patients WHERE id = ANY (\(wanted))", prepared: true).decode(UUID.self)
            return (found, Set(visible))
        }
        let byPatient = Dictionary(found.map { ($0.patientId, $0) }, uniquingKeysWith: { (first: PatientIdentity, _: PatientIdentity) in first })
        try await audit.record(
            wanted.map { id in
                // Refused only when the patient is not the caller's to see (or the caller has no care
                // role); a patient of theirs with no identity recorded was looked up and had none.
                context.auditEvent(
                    .read, patient: id, resource: "PatientIdentity", resourceID: id.uuidString,
                    outcome: byPatient[id] != nil || (visible.contains(id) && Self.careRoles.contains(context.role)) ? .success : .denied)
            })
        return byPatient
    }

    /// The patients the context may see whose identity has this personal identity number
    /// (normalised to its 12 digits first; none for one that is not valid): the acute team's
    /// "is this patient known here?". Each patient found is an audited search.
    public func patients(withPersonalNumber given: String, as context: AccessContext) async throws -> [UUID] {
        guard let number = PersonalIdentityNumber(given) else { return [] }
        let found = try await pool.withAccess(context, readOnly: true) { connection in
            try await connection.query(
                "SELECT patient_id FROM patient_identities WHERE personal_number = \(number.digits) ORDER BY patient_id LIMIT 10", prepared: true
            ).decode(UUID.self)
        }
        try await audit.record(found.map { context.auditEvent(.search, patient: $0, resource: "PatientIdentity", resourceID: $0.uuidString) })
        return found
    }

    /// The identity as it would be stored (name trimmed, number normalised to its 12 digits), or
    /// a refusal naming the field: the one set of rules for the API, the pages and `save`.
    public static func checked(_ identity: PatientIdentity) throws -> PatientIdentity {
        var identity = identity
        identity.displayName = identity.displayName.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...200).contains(identity.displayName.unicodeScalars.count),
            !identity.displayName.unicodeScalars.contains(where: { CharacterSet.controlCharacters.contains($0) })
        else {
            throw Refusal.invalid("displayName", "must be 1 to 200 characters, without control characters")
        }
        if let given = identity.personalNumber {
            guard let number = PersonalIdentityNumber(given) else {
                throw Refusal.invalid("personalNumber", "must be a Swedish personal identity or coordination number (YYYYMMDD-NNNN) with a valid check digit")
            }
            identity.personalNumber = number.digits
        }
        try TextRules.checkFreeText(identity.displayName, field: "displayName")
        if let phone = identity.phone, phone.range(of: #"^\+?[0-9][0-9 -]{3,30}\z"#, options: .regularExpression) == nil {
            throw Refusal.invalid("phone", "must be digits, spaces and dashes, 4 to 31 of them, with an optional leading +")
        }
        if let email = identity.email, email.count > 254 || email.range(of: #"^[^@\s]+@[^@\s]+\z"#, options: .regularExpression) == nil {
            throw Refusal.invalid("email", "must be one address, name@domain")
        }
        if let address = identity.postalAddress {
            guard address.unicodeScalars.count <= 300 else { throw Refusal.invalid("postalAddress", "must be at most 300 characters") }
            try TextRules.checkFreeText(address.replacingOccurrences(of: "\n", with: " "), field: "postalAddress")
        }
        return identity
    }

    /// Records or replaces a patient's identity: the context must be a clinician or rehab
    /// coordinator of the patient's organisation (else `unknownPatientRecord`, as for a patient
    /// that does not exist). Every field is checked first (the personal identity number also
    /// normalised), and a refusal names the field.
    public func save(_ identity: PatientIdentity, as context: AccessContext) async throws -> PatientIdentity {
        let identity = try Self.checked(identity)
        let saved = try await pool.withAccess(context) { connection -> PatientIdentity? in
            let existed = try await connection.query("SELECT 1 FROM patient_identities WHERE patient_id = \(identity.patientId)", prepared: true).first != nil
            let rows = try await connection.query(
                """
                INSERT INTO patient_identities (patient_id, display_name, personal_number, preferred_language, phone, email, postal_address)
                SELECT \(identity.patientId), \(identity.displayName), \(identity.personalNumber), \(identity.preferredLanguage.rawValue),
                       \(identity.phone), \(identity.email), \(identity.postalAddress)
                WHERE app_role() IN ('clinician', 'rehab_coordinator')
                  AND EXISTS (SELECT 1 FROM patients p WHERE p.id = \(identity.patientId) AND p.organisation_id = ANY (app_organisation_ids()))
                ON CONFLICT (patient_id) DO UPDATE SET
                    display_name = excluded.display_name, personal_number = excluded.personal_number,
                    preferred_language = excluded.preferred_language, phone = excluded.phone, email = excluded.email,
                    postal_address = excluded.postal_address, updated_at = now()
                RETURNING patient_id, display_name, personal_number, preferred_language, phone, email, postal_address
                """, prepared: true)
            guard let row = rows.first else { return nil }
            let saved = try Self.decode(row)
            try await AuditLog.record(
                context.auditEvent(existed ? .update : .create, patient: saved.patientId, resource: "PatientIdentity", resourceID: saved.patientId.uuidString),
                on: connection)
            return saved
        }
        guard let saved else {
            try await audit.record([
                context.auditEvent(
                    .update, patient: identity.patientId, resource: "PatientIdentity", resourceID: identity.patientId.uuidString, outcome: .denied)
            ])
            throw Refusal.unknownPatientRecord
        }
        return saved
    }

    static func decode(_ row: PostgresRow) throws -> PatientIdentity {
        let (patient, name, number, language, phone, email, address) = try row.decode((UUID, String, String?, String, String?, String?, String?).self)
        return PatientIdentity(
            patientId: patient, displayName: name, personalNumber: number, preferredLanguage: PatientIdentity.Language(rawValue: language) ?? .sv,
            phone: phone, email: email, postalAddress: address)
    }
}
