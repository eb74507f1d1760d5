import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Postgres
import PostgresTestSupport
import Seed
import Storage
import Testing

@testable import Server

/// A hospital system's FHIR transaction over real HTTP on a real database: a bundle of 100
/// patients with 10 assessments each stored whole (ops/fhir/bundle.py writes it as a sender
/// would), sent again creating nothing, one bad assessment storing nothing and named, and only
/// the `integration` role for its own organisations.
@Suite(.serialized) struct FHIRIntakeTests {
    static let north = DemoData.organisations.first { $0.code == "DEMO-NORTH" }?.id ?? UUID()
    static let south = DemoData.organisations.first { $0.code == "DEMO-SOUTH" }?.id ?? UUID()

    /// The sender's bundle from ops/fhir/bundle.py, as JSON text.
    static func bundle(_ arguments: [String]) async throws -> Data {
        let result = try await Subprocess.run(
            URL(fileURLWithPath: "/usr/bin/env"), ["python3", TestPaths.projectRoot.appendingPathComponent("ops/fhir/bundle.py").path] + arguments)
        try #require(result.status == 0, "\(result.errors)")
        return Data(result.output.utf8)
    }

    static func json(_ data: Data) throws -> Any { try JSONSerialization.jsonObject(with: data) }

    static func statuses(_ json: Any?) -> [String: Int] {
        let entries = ((json as? [String: Any])?["entry"] as? [[String: Any]]) ?? []
        return Dictionary(grouping: entries.compactMap { ($0["response"] as? [String: Any])?["status"] as? String }, by: { $0 }).mapValues(\.count)
    }

    @Test func aHospitalSystemsBundleIsStoredOnceAndWholeOrNotAtAll() async throws {
        let keyFile = FileManager.default.temporaryDirectory.appendingPathComponent("key-\(UUID().uuidString).pem")
        func token(_ role: Role, _ organisations: [UUID], _ subject: String) async throws -> String {
            try await DevelopmentKey.issueToken(
                for: Identity(subject: subject, name: "HIS", role: role, organisations: organisations), lifetime: 900, keyFile: keyFile)
        }
        let his = try await token(.integration, [Self.north], "his-north")
        let clinicianToken = try await token(.clinician, [Self.north], "intake-clinician")
        let organisation = Self.north.uuidString.lowercased()
        let fullText = try await Self.bundle(["--organisation", organisation, "--patients", "100", "--observations", "10", "--prefix", "HIS"])
        try await TestDatabase.with { database in
            try await database.withPool(.app) { pool in _ = try await DemoData.load(into: pool) }
            try await Harness.live(database: database.app, maxBodyBytes: 4 << 20, keyFile: keyFile) { client in
                let system = APICaller(client: client, token: his)
                let clinician = APICaller(client: client, token: clinicianToken)
                func counts() async throws -> [Int] {
                    let found = try await database.withPool(.superuser) { pool in
                        try await pool.query(
                            """
                            SELECT (SELECT count(*) FROM patients WHERE pseudonym LIKE 'HIS-%'), (SELECT count(*) FROM stroke_episodes WHERE source_id IS NOT NULL),
                                   (SELECT count(*) FROM recovery_observations WHERE source_id IS NOT NULL)
                            """
                        ).single().decode((Int, Int, Int).self)
                    }
                    return [found.0, found.1, found.2]
                }

                let full = try Self.json(fullText)
                let first = try await system.send(.post, "/fhir/R4", full)
                #expect(first.status == .ok && first.type == "application/fhir+json", "\(String(describing: first.json).prefix(600))")
                #expect(Self.statuses(first.json) == ["201 Created": 1_500])
                #expect(try await counts() == [100, 100, 1_000])
                // A resend finds everything, though the team has edited an episode here since, and though
                // the sender now leaves a patient's sex and birth out.
                try await database.withPool(.superuser) { pool in
                    try await pool.query("UPDATE stroke_episodes SET stroke_type = 'haemorrhagic', arrival_mode = 'direct' WHERE source_id = 'HIS-00003-E1'")
                }
                var resend = try #require(full as? [String: Any])
                var resendEntries = try #require(resend["entry"] as? [[String: Any]])
                var firstPatient = try #require(resendEntries[0]["resource"] as? [String: Any])
                firstPatient.removeValue(forKey: "gender")
                firstPatient.removeValue(forKey: "birthDate")
                resendEntries[0]["resource"] = firstPatient
                resend["entry"] = resendEntries
                let again = try await system.send(.post, "/fhir/R4", resend)
                #expect(Self.statuses(again.json) == ["200 OK": 1_500], "a resend creates nothing: \(String(describing: again.json).prefix(400))")
                #expect(try await counts() == [100, 100, 1_000])

                // What was stored reads back through the façade: the episode with its thrombolysis, the assessments.
                let found = try await clinician.send(.get, "/fhir/R4/Patient?identifier=HIS-00007")
                let patient = try #require(FHIRFacadeTests.entries(found.json).first?["id"] as? String)
                let everything = FHIRFacadeTests.entries(try await clinician.send(.get, "/fhir/R4/Patient/\(patient)/$everything").json)
                let types = Dictionary(grouping: everything.compactMap { $0["resourceType"] as? String }, by: { $0 }).mapValues(\.count)
                #expect(types["Observation"] == 10 && types["Procedure"] == 1 && types["MedicationAdministration"] == 1, "\(types)")
                let condition = everything.first { $0["resourceType"] as? String == "Condition" }
                #expect(((condition?["code"] as? [String: Any])?["coding"] as? [[String: Any]])?.first?["code"] as? String == "422504002")

                // One bad assessment among 21 new patients: nothing stored, the assessment named.
                let bad = try await Self.bundle(["--organisation", organisation, "--patients", "21", "--prefix", "HIS-NEW", "--bad-observation", "205"])
                let refused = try await system.send(.post, "/fhir/R4", try Self.json(bad))
                #expect(refused.status == .unprocessableContent && refused.type == "application/fhir+json")
                let issues = ((refused.json as? [String: Any])?["issue"] as? [[String: Any]]) ?? []
                // Entry 20 × 15 + 5 + 5: the 21st patient's sixth assessment.
                #expect(issues.count == 1 && (issues.first?["expression"] as? [String]) == ["Bundle.entry[310].resource.valueQuantity.value"], "\(issues)")
                #expect(try await counts() == [100, 100, 1_000], "nothing of the refused bundle is stored")

                // Every problem of a malformed bundle at once, each where it is.
                var broken = try #require(try Self.json(bad) as? [String: Any])
                var entries = try #require(broken["entry"] as? [[String: Any]])
                var observation = try #require(entries[6]["resource"] as? [String: Any])
                observation["code"] = ["coding": [["system": "http://loinc.org", "code": "8480-6"]]]
                entries[6]["resource"] = observation
                var encounter = try #require(entries[1]["resource"] as? [String: Any])
                encounter.removeValue(forKey: "identifier")
                entries[1]["resource"] = encounter
                broken["entry"] = entries
                let named = try await system.send(.post, "/fhir/R4", broken)
                let expressions = Set(
                    (((named.json as? [String: Any])?["issue"] as? [[String: Any]]) ?? []).compactMap { ($0["expression"] as? [String])?.first })
                #expect(
                    expressions.isSuperset(of: ["Bundle.entry[6].resource.code", "Bundle.entry[1].resource.identifier[0]"])
                        && named.status == .unprocessableContent,
                    "\(expressions)")

                // Only what took place, each record once, and a resend that differs is a conflict, not a change.
                func sent(_ change: (inout [[String: Any]]) -> Void) async throws -> (HTTPResponse.Status, [String]) {
                    var bundle = try #require(try Self.json(bad) as? [String: Any])
                    var entries = try #require(bundle["entry"] as? [[String: Any]])
                    change(&entries)
                    bundle["entry"] = entries
                    let answer = try await system.send(.post, "/fhir/R4", bundle)
                    return (
                        answer.status,
                        (((answer.json as? [String: Any])?["issue"] as? [[String: Any]]) ?? []).compactMap { ($0["expression"] as? [String])?.first }
                    )
                }
                func setting(_ key: String, _ value: Any, at index: Int) -> (inout [[String: Any]]) -> Void {
                    { entries in
                        var resource = entries[index]["resource"] as? [String: Any] ?? [:]
                        resource[key] = value
                        entries[index]["resource"] = resource
                    }
                }
                var answer = try await sent(setting("status", "not-done", at: 4))
                // Each answer names every problem at once: this one's and the bad assessment's.
                let scale = "Bundle.entry[310].resource.valueQuantity.value"
                #expect(answer == (.unprocessableContent, ["Bundle.entry[4].resource.status", scale]), "a thrombolytic not given: \(answer)")
                answer = try await sent(setting("identifier", [["system": "urn:his", "value": "tab\there"]], at: 5))
                #expect(answer == (.unprocessableContent, ["Bundle.entry[5].resource.identifier[0]", scale]), "a tab in an identifier: \(answer)")
                answer = try await sent { entries in entries.append(entries[4]) }
                #expect(answer == (.unprocessableContent, [scale]), "alteplase as bolus and infusion is one thrombolytic: \(answer)")
                answer = try await sent { entries in entries.append(entries[2]) }
                #expect(answer.0 == .unprocessableContent && answer.1.contains("Bundle.entry[\(15 * 21)].resource"), "a second Condition: \(answer)")
                #expect(try await counts() == [100, 100, 1_000])
                var changed = try #require(full as? [String: Any])
                var changedEntries = try #require(changed["entry"] as? [[String: Any]])
                var onset = try #require(changedEntries[2]["resource"] as? [String: Any])
                onset["onsetDateTime"] = "2026-11-02T07:30:00Z"
                changedEntries[2]["resource"] = onset
                changed["entry"] = changedEntries
                let resent = try await system.send(.post, "/fhir/R4", changed)
                #expect(resent.status == .conflict, "a resend with another onset changes nothing: \(resent)")
                #expect("\(resent.json ?? "")".contains("Bundle.entry[1].resource.identifier[0]"))

                // Where each stored entry is read now.
                let locations = (((first.json as? [String: Any])?["entry"] as? [[String: Any]]) ?? []).compactMap {
                    ($0["response"] as? [String: Any])?["location"] as? String
                }
                #expect(locations.count == 1_500 && locations[2].hasPrefix("Condition/stroke-") && locations[4].hasPrefix("MedicationAdministration/ivt-drug-"))
                for location in locations.prefix(6) {
                    #expect(try await clinician.send(.get, "/fhir/R4/\(location)").status == .ok, "\(location)")
                }

                // Only a hospital system, and only for its own organisations.
                let elsewhere = try await Self.bundle(["--organisation", Self.south.uuidString.lowercased(), "--patients", "1", "--prefix", "HIS-SOUTH"])
                let foreign = try await system.send(.post, "/fhir/R4", try Self.json(elsewhere))
                #expect(foreign.status == .unprocessableContent && "\(foreign.json ?? "")".contains("managingOrganization"))
                let notAllowed = try await clinician.send(.post, "/fhir/R4", full)
                #expect(notAllowed.status == .forbidden && notAllowed.type == "application/fhir+json", "refused as FHIR says it: \(notAllowed)")
                #expect(try await system.send(.get, "/fhir/R4/Patient/\(patient)").status == .forbidden)
                #expect(try await counts() == [100, 100, 1_000])

                // Audited: one row per patient the first time (created), one per patient the second (found).
                let audited = try await database.withPool(.superuser) { pool in
                    try await pool.query(
                        "SELECT action::text, count(*) FROM audit_events WHERE resource_type = 'FHIR transaction' AND actor_subject = 'his-north' GROUP BY 1 ORDER BY 1"
                    ).map { try $0.decode((String, Int).self) }
                }
                #expect(audited.map { "\($0.0) \($0.1)" } == ["create 100", "read 100"])
            }
        }
    }
}
