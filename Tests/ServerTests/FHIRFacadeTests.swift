import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import PostgresTestSupport
import Seed
import Storage
import Testing

@testable import Server

/// The FHIR R4 façade over real HTTP on the demo region: every resource it makes validated by
/// fhir.resources (R4B, ops/fhir/validate.py), the R4 invariants that matter checked here,
/// searches filtered and paged, errors as OperationOutcome, organisations respected exactly as
/// the API respects them, and every read audited.
@Suite(.serialized) struct FHIRFacadeTests {
    static let demo = DemoData.organisations.map(\.id)
    static let south = DemoData.organisations.first { $0.code == "DEMO-SOUTH" }?.id ?? UUID()
    static let p1 = DemoData.patients[0]
    static let p2 = DemoData.patients[1]

    static func token(_ role: Role, _ organisations: [UUID], keyFile: URL, subject: String? = nil) async throws -> String {
        try await DevelopmentKey.issueToken(
            for: Identity(subject: subject ?? "fhir-\(role.rawValue)", name: "FHIR", role: role, organisations: organisations), lifetime: 900,
            keyFile: keyFile)
    }

    /// The demo region (its clinic with a published plan) with an acute evaluation stored for
    /// each demo episode (so that the evaluation's measurements, its GuidanceResponse and its
    /// RiskAssessment exist), served to `body`; also on `port` when given.
    static func withDemoRegion(port: Int? = nil, _ body: @escaping @Sendable (APICaller, URL) async throws -> Void) async throws {
        let keyFile = FileManager.default.temporaryDirectory.appendingPathComponent("key-\(UUID().uuidString).pem")
        let clinician = try await token(.clinician, demo, keyFile: keyFile)
        try await TestDatabase.with { database in
            let now = try await database.now()
            try await database.withPool(.app) { pool in
                // The demo region with a published plan of the test week (sessions booked, attendance before now).
                _ = try await DemoData.load(into: pool)
                _ = try await DemoClinic.load(
                    into: pool, catalogue: try DemoClinicFixture.catalogue(), week: DemoClinicFixture.week, publishing: 0.5, now: now)
                _ = try await DemoRecovery.load(into: pool, now: now)
            }
            try await Harness.live(database: database.app, keyFile: keyFile) { client in
                let caller = APICaller(client: client, token: clinician)
                let presentation = try JSONSerialization.jsonObject(
                    with: Data(contentsOf: TestPaths.projectRoot.appendingPathComponent("Tests/Fixtures/acute/one-presentation.json")))
                for episode in DemoData.episodes {
                    let stored = try await caller.send(.post, "/api/v1/acute/evaluate?episode=\(episode.uuidString.lowercased())", presentation)
                    try #require(stored.status == .created, "\(stored)")
                }
                guard let port else { return try await body(caller, keyFile) }
                // A second instance on the same database, at a known address its URLs name.
                try await Harness.serving(database: database.app, keyFile: keyFile, port: port) { try await body(caller, keyFile) }
            }
        }
    }

    @Test func everyResourceOfTheDemoRegionParsesAsR4BAndKeepsTheInvariants() async throws {
        try await Self.withDemoRegion { clinician, keyFile in
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("fhir-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: folder) }
            var files: [URL] = []
            func keep(_ name: String, _ answer: (status: HTTPResponse.Status, type: String?, json: Any?)) throws {
                let object = try #require(answer.json as? [String: Any], "\(name): \(answer)")
                let file = folder.appendingPathComponent("\(name).json")
                try JSONSerialization.data(withJSONObject: object).write(to: file)
                files.append(file)
            }
            let patients = try await clinician.send(.get, "/fhir/R4/Patient?_count=1000")
            #expect(patients.status == .ok && patients.type == "application/fhir+json")
            try keep("patients", patients)
            let ids = try #require(Self.entries(patients.json).map { $0["id"] as? String })
            #expect(ids.count >= 3)
            // Each record as the stroke team reads it and as the rehab staff read it.
            let coordinator = APICaller(client: clinician.client, token: try await Self.token(.rehabCoordinator, Self.demo, keyFile: keyFile))
            for case let id? in ids {
                for (role, caller) in [("clinician", clinician), ("coordinator", coordinator)] {
                    let everything = try await caller.send(.get, "/fhir/R4/Patient/\(id)/$everything")
                    #expect(everything.status == .ok)
                    try Self.checkInvariants(everything.json, patient: id)
                    try keep("everything-\(id)-\(role)", everything)
                }
            }
            try keep("metadata", try await clinician.send(.get, "/fhir/R4/metadata"))
            for type in ["Practitioner", "PractitionerRole", "Location", "Schedule"] {
                let found = try await coordinator.send(.get, "/fhir/R4/\(type)?_count=200")
                #expect(!Self.entries(found.json).isEmpty, "\(type): \(found)")
                try keep(type, found)
            }
            try keep("organisation", try await clinician.send(.get, "/fhir/R4/Organization/\(Self.south.uuidString.lowercased())"))
            try keep("not-found", try await clinician.send(.get, "/fhir/R4/Patient/\(UUID().uuidString.lowercased())"))
            let auditor = APICaller(client: clinician.client, token: try await Self.token(.auditor, Self.demo, keyFile: keyFile))
            try keep("audit", try await auditor.send(.get, "/fhir/R4/AuditEvent?_count=200"))

            let result = try await Subprocess.run(
                try Self.python(), [TestPaths.projectRoot.appendingPathComponent("ops/fhir/validate.py").path] + files.map(\.path))
            print("fhir.resources R4B, the demo region:\n\(result.output)")
            #expect(result.status == 0, "\(result.output)\(result.errors)")
            let counts = Dictionary(
                uniqueKeysWithValues: result.output.split(separator: "\n").compactMap { line -> (String, Int)? in
                    let parts = line.split(separator: " ")
                    guard parts.count == 3, parts[0] == "count", let count = Int(parts[2]) else { return nil }
                    return (String(parts[1]), count)
                })
            for type in [
                "Patient", "Encounter", "Condition", "Observation", "Procedure", "MedicationAdministration", "ServiceRequest", "CarePlan",
                "GuidanceResponse", "RiskAssessment", "Appointment", "Slot", "Schedule", "Location", "Practitioner", "PractitionerRole",
                "Organization", "AuditEvent", "Bundle", "CapabilityStatement", "OperationOutcome",
            ] {
                #expect((counts[type] ?? 0) > 0, "no \(type) was made from the demo region")
            }
        }
    }

    @Test func searchesFilterPageAndRefuseWhatTheyDoNotServe() async throws {
        try await Self.withDemoRegion { clinician, keyFile in
            let patient = Self.p2.uuidString.lowercased()
            // P2: an evaluation (NIHSS, blood pressure, glucose, INR, weight) and the NIHSS at arrival.
            let all = try await clinician.send(.get, "/fhir/R4/Observation?patient=\(patient)")
            let total = try #require((all.json as? [String: Any])?["total"] as? Int)
            #expect(total == 6, "\(all)")
            var page = try await clinician.send(.get, "/fhir/R4/Observation?subject=Patient/\(patient)&_count=4")
            #expect(Self.entries(page.json).count == 4)
            let next = try #require(Self.link("next", page.json))
            page = try await clinician.send(.get, String(next[next.range(of: "/fhir/R4")!.lowerBound...]))
            #expect(Self.entries(page.json).count == 2 && Self.link("next", page.json) == nil)

            let nihss = try await clinician.send(.get, "/fhir/R4/Observation?patient=\(patient)&code=http://loinc.org%7C72089-6")
            #expect(Self.entries(nihss.json).count == 2)
            let vital = try await clinician.send(.get, "/fhir/R4/Observation?patient=\(patient)&category=vital-signs")
            #expect(Self.entries(vital.json).count == 2, "blood pressure and weight: \(vital)")
            let before = try await clinician.send(.get, "/fhir/R4/Observation?patient=\(patient)&date=lt2000-01-01")
            #expect(before.status == .ok && Self.entries(before.json).isEmpty)
            let procedures = try await clinician.send(.get, "/fhir/R4/Procedure?patient=\(patient)&_include=Procedure:patient")
            let kinds = Self.entries(procedures.json).compactMap { $0["resourceType"] as? String }.sorted()
            #expect(kinds == ["Patient", "Procedure", "Procedure"], "thrombolysis, thrombectomy and the patient included")

            let early = try await clinician.send(.get, "/fhir/R4/Condition?patient=\(patient)&onset-date=lt2000-01-01")
            #expect(early.status == .ok && Self.entries(early.json).isEmpty, "onset-date is read, not ignored")
            let risks = try await clinician.send(.get, "/fhir/R4/RiskAssessment?patient=\(patient)")
            let risk = try #require(Self.entries(risks.json).first?["id"] as? String)
            #expect(try await clinician.send(.get, "/fhir/R4/RiskAssessment/\(risk)").status == .ok)

            // A rehab patient's sessions, and the room's slots as the clinic's coordinator sees them.
            let rehab = DemoClinicFixture.patient("DEMO-R05").uuidString.lowercased()
            let coordinator = APICaller(client: clinician.client, token: try await Self.token(.rehabCoordinator, Self.demo, keyFile: keyFile))
            let appointments = Self.entries(try await coordinator.send(.get, "/fhir/R4/Appointment?patient=\(rehab)").json)
            let appointment = try #require(appointments.first)
            #expect(try await coordinator.send(.get, "/fhir/R4/Appointment/\(appointment["id"] as? String ?? "")").status == .ok)
            let participants = (appointment["participant"] as? [[String: Any]]) ?? []
            let patients = participants.compactMap { ($0["actor"] as? [String: Any])?["reference"] as? String }.filter { $0.hasPrefix("Patient/") }
            #expect(patients == ["Patient/\(rehab)"], "an appointment names its patient only")
            let slot = try #require(((appointment["slot"] as? [[String: Any]])?.first?["reference"] as? String)?.dropFirst("Slot/".count))
            let room = try #require(
                participants.compactMap { ($0["actor"] as? [String: Any])?["reference"] as? String }.first { $0.hasPrefix("Location/") }?
                    .dropFirst("Location/".count))
            let slots = try await coordinator.send(.get, "/fhir/R4/Slot?schedule=Schedule/room-\(room)&start=ge2000-01-01&_count=500")
            #expect(Self.entries(slots.json).contains { $0["id"] as? String == String(slot) }, "\(slots)")
            #expect(try await coordinator.send(.get, "/fhir/R4/Slot").status == .badRequest)
            #expect(try await clinician.send(.get, "/fhir/R4/Slot?schedule=Schedule/room-\(room)").status == .forbidden)

            let byPseudonym = try await clinician.send(.get, "/fhir/R4/Patient?identifier=DEMO-P2")
            #expect(Self.entries(byPseudonym.json).compactMap { $0["id"] as? String } == [patient])

            for (path, expression) in [
                ("/fhir/R4/Observation?patient=\(patient)&colour=red", "colour"), ("/fhir/R4/Observation", "patient"),
                ("/fhir/R4/Observation?patient=\(patient)&date=xx2026", "date"), ("/fhir/R4/Observation?patient=\(patient)&_count=0", "_count"),
            ] {
                let refused = try await clinician.send(.get, path)
                #expect(refused.status == .badRequest && refused.type == "application/fhir+json", "\(path)")
                let issue = try #require(((refused.json as? [String: Any])?["issue"] as? [[String: Any]])?.first)
                #expect(issue["code"] as? String == "invalid" && (issue["expression"] as? [String]) == [expression], "\(path): \(issue)")
            }
            let unknown = try await clinician.send(.get, "/fhir/R4/Medication/1")
            #expect(unknown.status == .notFound && (unknown.json as? [String: Any])?["resourceType"] as? String == "OperationOutcome")
        }
    }

    @Test func organisationsAreRespectedExactlyAsTheAPIRespectsThemAndEveryReadIsAudited() async throws {
        try await Self.withDemoRegion { clinician, keyFile in
            let southOnly = APICaller(
                client: clinician.client, token: try await Self.token(.clinician, [Self.south], keyFile: keyFile, subject: "fhir-south-clinician"))
            let north = Self.p1.uuidString.lowercased()
            let southPatient = Self.p2.uuidString.lowercased()
            // The API and the façade answer alike: P1 (North) is unknown to a South clinician, P2 is theirs.
            #expect(try await southOnly.send(.get, "/api/v1/patients/\(north)").status == .notFound)
            let everything = try await southOnly.send(.get, "/fhir/R4/Patient/\(north)/$everything")
            #expect(everything.status == .notFound && (everything.json as? [String: Any])?["resourceType"] as? String == "OperationOutcome")
            #expect(try await southOnly.send(.get, "/fhir/R4/Patient/\(north)").status == .notFound)
            #expect(try await southOnly.send(.get, "/fhir/R4/Condition/stroke-\(DemoData.episodes[0].uuidString.lowercased())").status == .notFound)
            let search = try await southOnly.send(.get, "/fhir/R4/Observation?patient=\(north)")
            #expect(search.status == .ok && (search.json as? [String: Any])?["total"] as? Int == 0)
            let listed = try await southOnly.send(.get, "/fhir/R4/Patient")
            let api = try await southOnly.send(.get, "/api/v1/patients?limit=100")
            let viaAPI = Set(((api.json as? [[String: Any]]) ?? []).compactMap { ($0["id"] as? String)?.lowercased() })
            #expect(Set(Self.entries(listed.json).compactMap { $0["id"] as? String }) == viaAPI)
            #expect(viaAPI.contains(southPatient) && !viaAPI.contains(north))
            #expect(try await southOnly.send(.get, "/fhir/R4/Patient/\(southPatient)/$everything").status == .ok)

            // Roles: a planner reads no patient; a therapist no acute guidance; the metadata is public.
            let planner = APICaller(client: clinician.client, token: try await Self.token(.planner, Self.demo, keyFile: keyFile))
            #expect(try await planner.send(.get, "/fhir/R4/Patient/\(southPatient)").status == .forbidden)
            let therapist = APICaller(client: clinician.client, token: try await Self.token(.therapist, Self.demo, keyFile: keyFile))
            #expect(try await therapist.send(.get, "/fhir/R4/GuidanceResponse?patient=\(southPatient)").status == .forbidden)
            let anonymous = APICaller(client: clinician.client, token: "")
            #expect(try await anonymous.send(.get, "/fhir/R4/metadata").status == .ok)
            #expect(try await anonymous.send(.get, "/fhir/R4/Patient").status == .unauthorized)

            // Each read is in the audit: the South clinician's denied read of P1 and granted read of P2.
            let auditor = APICaller(client: clinician.client, token: try await Self.token(.auditor, Self.demo, keyFile: keyFile))
            let events = try await auditor.send(.get, "/api/v1/audit/events?subject=fhir-south-clinician&limit=5000")
            let rows = (events.json as? [[String: Any]]) ?? []
            func audited(_ patient: String, _ resource: String, _ outcome: String) -> Bool {
                rows.contains {
                    ($0["patientId"] as? String)?.lowercased() == patient && $0["resourceType"] as? String == resource && $0["outcome"] as? String == outcome
                }
            }
            #expect(audited(north, "Patient/$everything", "denied"))
            #expect(audited(southPatient, "Patient/$everything", "success"))
            #expect(audited(north, "Observation", "denied"))
        }
    }

    /// Each role reads in FHIR what it reads in the API: the acute evaluations are the stroke
    /// team's, the rehab stays, prescriptions and sessions the rehab staff's.
    @Test func eachRoleReadsThePartsOfTheRecordItReadsInTheAPI() async throws {
        try await Self.withDemoRegion { clinician, keyFile in
            let acute = Self.p2.uuidString.lowercased()
            let rehab = DemoClinicFixture.patient("DEMO-R05").uuidString.lowercased()
            let therapist = APICaller(client: clinician.client, token: try await Self.token(.therapist, Self.demo, keyFile: keyFile))
            func types(_ caller: APICaller, _ patient: String) async throws -> Set<String> {
                let answer = try await caller.send(.get, "/fhir/R4/Patient/\(patient)/$everything")
                try #require(answer.status == .ok, "\(answer)")
                return Set(Self.entries(answer.json).compactMap { $0["resourceType"] as? String })
            }
            let acuteForClinician = try await types(clinician, acute)
            #expect(acuteForClinician.isSuperset(of: ["GuidanceResponse", "RiskAssessment", "Procedure", "MedicationAdministration"]))
            let acuteForTherapist = try await types(therapist, acute)
            #expect(acuteForTherapist.isDisjoint(with: ["GuidanceResponse", "RiskAssessment"]) && acuteForTherapist.contains("Procedure"))
            let observations = try await therapist.send(.get, "/fhir/R4/Observation?patient=\(acute)")
            #expect(Self.entries(observations.json).compactMap { $0["id"] as? String } == ["nihss-\(DemoData.episodes[1].uuidString.lowercased())"])
            let rehabForTherapist = try await types(therapist, rehab)
            #expect(rehabForTherapist.isSuperset(of: ["CarePlan", "ServiceRequest", "Appointment", "Slot", "Location"]))
            let rehabForClinician = try await types(clinician, rehab)
            #expect(rehabForClinician.isDisjoint(with: ["CarePlan", "ServiceRequest", "Appointment", "Slot"]), "\(rehabForClinician)")

            // Paging far beyond the end is refused, not a crash; the audit search says when more events match.
            let far = try await clinician.send(.get, "/fhir/R4/Observation?patient=\(acute)&_offset=9223372036854775807")
            #expect(far.status == .badRequest)
            let auditor = APICaller(client: clinician.client, token: try await Self.token(.auditor, Self.demo, keyFile: keyFile))
            let few = try await auditor.send(.get, "/fhir/R4/AuditEvent?_count=2")
            let outcome = ((few.json as? [String: Any])?["entry"] as? [[String: Any]])?.last
            #expect((outcome?["search"] as? [String: Any])?["mode"] as? String == "outcome", "\(few)")
            #expect((few.json as? [String: Any])?["total"] == nil, "no total is claimed for a cut answer")
            let api = try await auditor.send(.get, "/api/v1/audit/events?format=fhir&limit=3")
            #expect(Self.link("self", api.json)?.contains("/api/v1/audit/events?") == true, "\(Self.link("self", api.json) ?? "")")
            let cut = ((api.json as? [String: Any])?["entry"] as? [[String: Any]]) ?? []
            #expect(cut.count == 4 && (cut.last?["search"] as? [String: Any])?["mode"] as? String == "outcome", "three events and the warning that more match")
        }
    }

    /// A FHIR client no one here wrote (fhirclient, R4 models, ops/fhir/client.py) reads the
    /// CapabilityStatement, finds a patient, follows a search's `next` links, reads
    /// `$everything` and sends a transaction; every answer is read into its R4 models.
    @Test func aFHIRClientNoOneHereWroteSearchesPagesAndSends() async throws {
        let port = try FreePort.take()
        try await Self.withDemoRegion(port: port) { clinician, keyFile in
            let north = DemoData.organisations.first { $0.code == "DEMO-NORTH" }?.id ?? UUID()
            let integration = try await Self.token(.integration, [north], keyFile: keyFile, subject: "his-client")
            let bundle = FileManager.default.temporaryDirectory.appendingPathComponent("bundle-\(UUID().uuidString).json")
            defer { try? FileManager.default.removeItem(at: bundle) }
            try await FHIRIntakeTests.bundle(["--organisation", north.uuidString.lowercased(), "--patients", "10", "--prefix", "CLIENT"]).write(to: bundle)
            let result = try await Subprocess.run(
                try Self.python(),
                [
                    TestPaths.projectRoot.appendingPathComponent("ops/fhir/client.py").path, "http://127.0.0.1:\(port)/fhir/R4", clinician.token,
                    "DEMO-P2", integration, bundle.path,
                ])
            print("fhirclient (R4 models) against the façade:\n\(result.output)")
            #expect(result.status == 0, "\(result.output)\(result.errors)")
            #expect(result.output.contains("observations: 6 in 3 pages of 2"))
            #expect(result.output.contains("transaction: 150 entries, 201 Created"))
        }
    }

    /// The regional indicators as MeasureReports for a planner, through the disclosure layer: a
    /// hospital's withheld value is data-absent-reason `masked`, with no count; each validated
    /// by fhir.resources; no one else reads them.
    @Test func theRegionalIndicatorsAreMeasureReportsWithWithheldValuesMasked() async throws {
        let keyFile = FileManager.default.temporaryDirectory.appendingPathComponent("key-\(UUID().uuidString).pem")
        let planner = try await Self.token(.planner, [ReportFixture.region], keyFile: keyFile)
        let admin = try await Self.token(.admin, [ReportFixture.region], keyFile: keyFile)
        let clinician = try await Self.token(.clinician, [ReportFixture.region], keyFile: keyFile)
        try await TestDatabase.with { database in
            try await ReportFixture.load(database)
            try await Harness.live(database: database.app, keyFile: keyFile) { client in
                let refresh = try await APICaller(client: client, token: admin).send(.post, "/api/v1/reports/refresh")
                let job = try #require((refresh.json as? [String: Any])?["id"] as? String, "\(refresh)")
                _ = try await APICaller(client: client, token: admin).finished("/api/v1/reports/refresh/\(job)")
                let reader = APICaller(client: client, token: planner)
                let answer = try await reader.send(.get, "/fhir/R4/MeasureReport?period=ge2026-01-01&period=le2027-12-31")
                #expect(answer.status == .ok, "\(answer)")
                let reports = Self.entries(answer.json)
                #expect(reports.count > 5 && reports.allSatisfy { $0["resourceType"] as? String == "MeasureReport" })
                let followUp = try #require(reports.first { ($0["measure"] as? String)?.hasSuffix("/follow_up_90") == true })
                let strata = (((followUp["group"] as? [[String: Any]])?.first?["stratifier"] as? [[String: Any]])?.first?["stratum"] as? [[String: Any]]) ?? []
                let small = try #require(strata.first { ($0["value"] as? [String: Any])?["text"] as? String == "Small hospital" }, "\(strata)")
                let masked = ((small["measureScore"] as? [String: Any])?["extension"] as? [[String: Any]])?.first
                #expect(masked?["valueCode"] as? String == "masked" && small["population"] == nil, "\(small)")
                let narrowed = try await reader.send(.get, "/fhir/R4/MeasureReport?measure=follow_up_90&period=ge2026-01-01&period=le2027-12-31")
                #expect(Self.entries(narrowed.json).count == 1)
                #expect(try await APICaller(client: client, token: clinician).send(.get, "/fhir/R4/MeasureReport").status == .forbidden)

                let file = FileManager.default.temporaryDirectory.appendingPathComponent("measures-\(UUID().uuidString).json")
                defer { try? FileManager.default.removeItem(at: file) }
                try JSONSerialization.data(withJSONObject: try #require(answer.json)).write(to: file)
                let result = try await Subprocess.run(
                    try Self.python(), [TestPaths.projectRoot.appendingPathComponent("ops/fhir/validate.py").path, file.path])
                #expect(result.status == 0 && result.output.contains("count MeasureReport"), "\(result.output)\(result.errors)")
            }
        }
    }

    // MARK: Helpers

    static func entries(_ json: Any?) -> [[String: Any]] {
        (((json as? [String: Any])?["entry"] as? [[String: Any]]) ?? []).compactMap { $0["resource"] as? [String: Any] }
    }

    static func link(_ relation: String, _ json: Any?) -> String? {
        (((json as? [String: Any])?["link"] as? [[String: Any]]) ?? []).first { $0["relation"] as? String == relation }?["url"] as? String
    }

    /// The R4 rules these resources must keep: each entry's `fullUrl` is the resource's absolute
    /// URL; each Observation has a value, a reason for none, or components that each have one;
    /// each reference a patient's `$everything` holds resolves to an entry of it.
    static func checkInvariants(_ json: Any?, patient: String) throws {
        let bundle = try #require(json as? [String: Any])
        let entries = try #require(bundle["entry"] as? [[String: Any]])
        var present = Set<String>()
        for entry in entries {
            let resource = try #require(entry["resource"] as? [String: Any])
            let reference = "\(resource["resourceType"] as? String ?? "?")/\(resource["id"] as? String ?? "?")"
            #expect((entry["fullUrl"] as? String)?.hasSuffix("/fhir/R4/\(reference)") == true && (entry["fullUrl"] as? String)?.hasPrefix("http") == true)
            present.insert(reference)
        }
        #expect(present.contains("Patient/\(patient)"))
        for entry in entries {
            let resource = try #require(entry["resource"] as? [String: Any])
            if resource["resourceType"] as? String == "Observation" {
                let valued = resource.keys.contains { $0.hasPrefix("value") } || resource["dataAbsentReason"] != nil
                let components = (resource["component"] as? [[String: Any]]) ?? []
                #expect(
                    valued || (!components.isEmpty && components.allSatisfy { $0.keys.contains { $0.hasPrefix("value") } || $0["dataAbsentReason"] != nil }),
                    "\(resource["id"] ?? "")")
            }
            for reference in references(in: resource) where !reference.hasPrefix("urn:") {
                #expect(present.contains(reference), "\(resource["resourceType"] ?? "")/\(resource["id"] ?? ""): \(reference) is not in the bundle")
            }
            try checkR4Codes(resource)
        }
    }

    /// The R4 value sets of the status codes served (a model parse accepts any code).
    static let statuses: [String: Set<String>] = [
        "Encounter.status": ["planned", "arrived", "triaged", "in-progress", "onleave", "finished", "cancelled", "entered-in-error", "unknown"],
        "Observation.status": ["registered", "preliminary", "final", "amended", "corrected", "cancelled", "entered-in-error", "unknown"],
        "RiskAssessment.status": ["registered", "preliminary", "final", "amended", "corrected", "cancelled", "entered-in-error", "unknown"],
        "Procedure.status": ["preparation", "in-progress", "not-done", "on-hold", "stopped", "completed", "entered-in-error", "unknown"],
        "MedicationAdministration.status": ["in-progress", "not-done", "on-hold", "completed", "entered-in-error", "stopped", "unknown"],
        "ServiceRequest.status": ["draft", "active", "on-hold", "revoked", "completed", "entered-in-error", "unknown"],
        "ServiceRequest.intent": ["proposal", "plan", "directive", "order", "original-order", "reflex-order", "filler-order", "instance-order", "option"],
        "CarePlan.status": ["draft", "active", "on-hold", "revoked", "completed", "entered-in-error", "unknown"],
        "CarePlan.intent": ["proposal", "plan", "order", "option"],
        "GuidanceResponse.status": ["success", "data-requested", "data-required", "in-progress", "failure", "entered-in-error"],
        "Appointment.status": [
            "proposed", "pending", "booked", "arrived", "fulfilled", "cancelled", "noshow", "entered-in-error", "checked-in", "waitlist",
        ],
        "Slot.status": ["busy", "free", "busy-unavailable", "busy-tentative", "entered-in-error"],
        "Patient.gender": ["male", "female", "other", "unknown"],
    ]

    /// The types each reference served may point to in R4 (by resource and element path).
    static let targets: [String: Set<String>] = [
        "Patient.managingOrganization": ["Organization"], "Organization.partOf": ["Organization"],
        "Encounter.subject": ["Patient"], "Encounter.reasonReference": ["Condition", "Procedure", "Observation"],
        "Encounter.serviceProvider": ["Organization"],
        "Condition.subject": ["Patient"], "Condition.encounter": ["Encounter"],
        "Observation.subject": ["Patient"], "Observation.encounter": ["Encounter"],
        "Observation.performer": ["Practitioner", "PractitionerRole", "Organization", "CareTeam", "Patient", "RelatedPerson"],
        "Procedure.subject": ["Patient"], "Procedure.encounter": ["Encounter"],
        "MedicationAdministration.subject": ["Patient"], "MedicationAdministration.context": ["Encounter", "EpisodeOfCare"],
        "ServiceRequest.subject": ["Patient"], "ServiceRequest.encounter": ["Encounter"],
        "CarePlan.subject": ["Patient"], "CarePlan.encounter": ["Encounter"], "CarePlan.activity.reference": ["Appointment", "ServiceRequest"],
        "GuidanceResponse.subject": ["Patient"], "GuidanceResponse.encounter": ["Encounter"],
        "GuidanceResponse.reasonReference": ["Condition", "Observation", "DiagnosticReport", "DocumentReference"],
        "RiskAssessment.subject": ["Patient"], "RiskAssessment.encounter": ["Encounter"], "RiskAssessment.basis": ["GuidanceResponse", "Observation"],
        "Appointment.participant.actor": ["Patient", "Practitioner", "PractitionerRole", "Location"], "Appointment.slot": ["Slot"],
        "Appointment.basedOn": ["ServiceRequest"], "Slot.schedule": ["Schedule"], "Schedule.actor": ["Practitioner", "PractitionerRole", "Location"],
        "PractitionerRole.practitioner": ["Practitioner"], "PractitionerRole.organization": ["Organization"],
        "Location.managingOrganization": ["Organization"],
    ]

    /// Every status code in its R4 value set, every reference to a type R4 allows there (an
    /// element not in the table fails: a new reference must be checked before it is served).
    static func checkR4Codes(_ resource: [String: Any]) throws {
        let type = try #require(resource["resourceType"] as? String)
        for (key, value) in resource {
            if let allowed = statuses["\(type).\(key)"] { #expect(allowed.contains(value as? String ?? ""), "\(type).\(key): \(value)") }
        }
        for (path, reference) in pathsOfReferences(in: resource, path: type) {
            let target = String(reference.split(separator: "/").first ?? "")
            let allowed = try #require(targets[path], "\(path) is a reference no test has checked")
            #expect(allowed.contains(target), "\(path) → \(reference)")
        }
    }

    /// Every reference with the element path that holds it (array positions left out).
    static func pathsOfReferences(in value: Any, path: String) -> [(String, String)] {
        if let object = value as? [String: Any] {
            if let reference = object["reference"] as? String { return [(path, reference)] }
            return object.flatMap { key, inner in pathsOfReferences(in: inner, path: "\(path).\(key)") }
        }
        return (value as? [Any])?.flatMap { pathsOfReferences(in: $0, path: path) } ?? []
    }

    /// Every `reference` in a resource.
    static func references(in value: Any) -> [String] {
        if let object = value as? [String: Any] {
            return (object["reference"] as? String).map { [$0] } ?? object.values.flatMap(references)
        }
        return (value as? [Any])?.flatMap(references) ?? []
    }

    /// The Python with fhir.resources that ops/test installs.
    static func python() throws -> URL {
        let path =
            ProcessInfo.processInfo.environment["STROKEPATH_FHIR_PYTHON"]
            ?? TestPaths.projectRoot.appendingPathComponent(".local/venv-fhir/bin/python").path
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw TestSetupError(message: "no Python with fhir.resources at \(path): run the tests through ops/test, which installs it")
        }
        return URL(fileURLWithPath: path)
    }
}
