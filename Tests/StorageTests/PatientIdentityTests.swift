import Clinical
import Foundation
import Postgres
import PostgresTestSupport
import Seed
import Storage
import Testing

/// A patient's identity is read by the care staff of the patient's organisations and no one
/// else — not a planner, an auditor, an administrator or another organisation — at the
/// database itself, and every read is audited.
@Suite struct PatientIdentityTests {
    static let north = DemoData.organisations[1].id
    static let south = DemoData.organisations[2].id

    static func context(_ role: String, _ organisation: UUID) -> AccessContext {
        AccessContext(subject: "\(role)-\(organisation.uuidString.prefix(4))", role: role, organisations: [organisation], requestID: "identity-test")
    }

    @Test func personalIdentityNumbersAreCheckedAndNormalised() {
        let today = ISO8601DateFormatter().date(from: "2026-12-07T12:00:00Z") ?? Date()
        #expect(PersonalIdentityNumber("19121212-1212", today: today)?.digits == "191212121212", "Skatteverket's test number")
        #expect(PersonalIdentityNumber("121212-1212", today: today)?.digits == "201212121212", "the latest century not in the future")
        #expect(PersonalIdentityNumber("121212+1212", today: today)?.digits == "191212121212", "+ for a hundred years or more")
        #expect(PersonalIdentityNumber("191212121213", today: today) == nil, "a wrong check digit")
        #expect(PersonalIdentityNumber("19121312-1212", today: today) == nil, "no 13th month")
        #expect(PersonalIdentityNumber("19701063-2391", today: today)?.description == "19701063-2391", "a coordination number: the day plus 60")
        #expect(PersonalIdentityNumber("1912-12-12-1212", today: today) == nil)
        #expect(PersonalIdentityNumber("19121212+1212", today: today) == nil, "+ only in the short form")
        #expect(PersonalIdentityNumber("١٩١٢١٢١٢١٢١٢", today: today) == nil, "ASCII digits only")
        let march = ISO8601DateFormatter().date(from: "2026-03-01T12:00:00Z") ?? Date()
        #expect(PersonalIdentityNumber("260901-1230", today: march)?.digits == "192609011230", "a day later this year than today is a century ago")
        #expect(PersonalIdentityNumber("20300101-1232", today: march) == nil, "a birth date after today")
        #expect(PersonalIdentityNumber("12-12121212", today: today) == nil, "the dash stands before the last four digits")
    }

    /// The store's rules, which the API and the pages share: a contact with a line break after it
    /// is refused here (a regular expression's `$` let it through to the database's own check, a 400).
    @Test func contactsAreCheckedToTheirLastCharacter() throws {
        let patient = UUID()
        let normalised = try PatientIdentities.checked(
            PatientIdentity(patientId: patient, displayName: "  Tolvan Tolvansson ", personalNumber: "19121212-1212"))
        #expect(normalised.displayName == "Tolvan Tolvansson" && normalised.personalNumber == "191212121212")
        for (phone, email) in [("0701234567\n", nil), (nil, "a@b.se\n")] as [(String?, String?)] {
            #expect(throws: Refusal.self, "\(String(describing: phone)) \(String(describing: email))") {
                try PatientIdentities.checked(PatientIdentity(patientId: patient, displayName: "Tolvan", phone: phone, email: email))
            }
        }
        #expect(throws: Refusal.self) {
            try PatientIdentities.checked(PatientIdentity(patientId: patient, displayName: String(repeating: "a\u{301}", count: 101)))
        }
    }

    @Test func careStaffReadItAndNobodyElseDoes() async throws {
        try await TestDatabase.with { database in
            try await database.withPool(.app) { pool in
                _ = try await DemoData.load(into: pool)
                let patient = try await pool.withOrganisations([Self.north]) { connection in
                    try await connection.query("SELECT id FROM patients WHERE pseudonym = 'DEMO-P1'").single().decode(UUID.self)
                }
                let audit = AuditWriter(pool: pool)
                let identities = PatientIdentities(pool: pool, audit: audit)
                let saved = try await identities.save(
                    PatientIdentity(patientId: patient, displayName: "  Tolvan Tolvansson ", personalNumber: "19121212-1212", phone: "+46 8 123 456"),
                    as: Self.context("clinician", Self.north))
                #expect(saved.displayName == "Tolvan Tolvansson" && saved.personalNumber == "191212121212" && saved.preferredLanguage == .sv)

                for role in ["clinician", "rehab_coordinator", "therapist"] {
                    #expect(try await identities.find(patient, as: Self.context(role, Self.north))?.displayName == "Tolvan Tolvansson", "\(role)")
                }
                for (role, organisation) in [("planner", Self.north), ("auditor", Self.north), ("admin", Self.north), ("clinician", Self.south)] {
                    #expect(try await identities.find(patient, as: Self.context(role, organisation)) == nil, "\(role) of \(organisation)")
                }
                // A therapist reads but does not write; another organisation cannot write either.
                for (role, organisation) in [("therapist", Self.north), ("clinician", Self.south), ("admin", Self.north)] {
                    await #expect(throws: Refusal.self, "\(role)") {
                        try await identities.save(PatientIdentity(patientId: patient, displayName: "Someone Else"), as: Self.context(role, organisation))
                    }
                }
                await #expect(throws: Refusal.self) {
                    try await identities.save(
                        PatientIdentity(patientId: patient, displayName: "X", personalNumber: "19121212-1213"), as: Self.context("clinician", Self.north))
                }
                #expect(try await identities.find(patient, as: Self.context("clinician", Self.north))?.displayName == "Tolvan Tolvansson", "unchanged")

                // At the database: the roles of reports and audit have no grant; the application's
                // role sees no row without a care role, whatever it writes directly.
                try await database.withPool(.superuser) { admin in
                    for role in ["strokepath_planner", "strokepath_auditor"] {
                        let error = await #expect(throws: PostgresError.self, "\(role)") {
                            try await admin.withTransaction { connection in
                                try await connection.query("SET LOCAL ROLE \(identifier: role)")
                                try await connection.query("SELECT count(*) FROM patient_identities")
                            }
                        }
                        #expect(error?.sqlState == SQLState.insufficientPrivilege, "\(role)")
                    }
                }
                for role in ["planner", "auditor", "admin", ""] {
                    let (rows, written) = try await pool.withAccess(Self.context(role, Self.north)) { connection in
                        let rows = try await connection.query("SELECT count(*) FROM patient_identities").single().decode(Int.self)
                        let written = try await connection.query("UPDATE patient_identities SET display_name = 'Changed'").affectedRows
                        return (rows, written)
                    }
                    #expect(rows == 0 && written == 0, "role \(role)")
                }

                // Every read is in the audit log: granted ones as success, refused ones as denied.
                let logged = try await database.withPool(.superuser) { admin in
                    try await admin.query(
                        "SELECT actor_role, action::text, outcome::text FROM audit_events WHERE resource_type = 'PatientIdentity' AND patient_id = \(patient) ORDER BY seq"
                    ).decode((String, String, String).self)
                }
                #expect(logged.first.map { $0 == ("clinician", "create", "success") } == true, "\(logged)")
                #expect(logged.contains { $0 == ("planner", "read", "denied") } && logged.contains { $0 == ("therapist", "read", "success") }, "\(logged)")
                #expect(logged.contains { $0 == ("therapist", "update", "denied") }, "a refused write is recorded")
            }
        }
    }
}
