import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Postgres
import PostgresTestSupport
import ProtocolLibrary
import Seed
import Storage
import Testing

@testable import Server

/// FHIR Bulk Data export (issue 22, item 4): a planner's export of the region read by a client
/// written to the Bulk Data specification (ops/fhir/bulk.py) with every NDJSON line parsed by
/// fhir.resources; one audit row per export with its scope, legal basis and counts; the
/// refusals; the organisations each export reaches; the replica's absence.
@Suite(.serialized) struct FHIRBulkExportTests {
    static let region = DemoData.organisations[0].id
    static let south = DemoData.organisations.first { $0.code == "DEMO-SOUTH" }?.id ?? UUID()
    static let purpose = "Riksstroke quality registry (SFS 2008:355 ch. 7)"

    /// The demo region with its recovery assessments.
    static func demo(_ database: TestDatabase) async throws {
        try await database.withPool(.app) { pool in _ = try await DemoData.load(into: pool) }
    }

    @Test(.timeLimit(.minutes(10))) func aBulkDataClientNoOneHereWroteReadsTheRegionsExportAndEveryLineParses() async throws {
        let keyFile = FileManager.default.temporaryDirectory.appendingPathComponent("key-\(UUID().uuidString).pem")
        let planner = try await FHIRFacadeTests.token(.planner, [Self.region], keyFile: keyFile, subject: "registry-planner")
        let port = try FreePort.take()
        try await TestDatabase.with { database in
            try await Self.demo(database)
            let expected = try await database.withPool(.superuser) { pool in
                try await pool.query(
                    """
                    SELECT (SELECT count(*)::int FROM patients), (SELECT count(*)::int FROM stroke_episodes),
                           (SELECT count(*)::int FROM recovery_observations WHERE withdrawn_at IS NULL), (SELECT count(*)::int FROM organisations)
                    """
                ).single().decode((Int, Int, Int, Int).self)
            }
            let result = try await Harness.serving(database: database.app, keyFile: keyFile, port: port) {
                try await Subprocess.run(
                    try FHIRFacadeTests.python(),
                    [TestPaths.projectRoot.appendingPathComponent("ops/fhir/bulk.py").path, "http://127.0.0.1:\(port)/fhir/R4", planner, Self.purpose])
            }
            print("Bulk Data client against the export:\n\(result.output)")
            #expect(result.status == 0, "\(result.output)\(result.errors)")
            let counts = Dictionary(
                result.output.split(separator: "\n").compactMap { line -> (String, Int)? in
                    let words = line.split(separator: " ")
                    guard words.count == 3, words[0] == "count", let count = Int(words[2]) else { return nil }
                    return (String(words[1]), count)
                }, uniquingKeysWith: +)
            #expect(counts["Patient"] == expected.0, "every patient of the region: \(counts)")
            #expect(counts["Encounter"] == expected.1 && counts["Condition"] == expected.1, "an Encounter and a Condition per episode")
            #expect(counts["Organization"] == expected.3, "the region and all below it")
            #expect((counts["Observation"] ?? 0) >= expected.2, "each assessment, with each episode's NIHSS and mRS")
            // One audit row for the export, with its scope, legal basis and counts; one per file downloaded.
            try await database.withPool(.owner) { pool in
                let rows = try await pool.query(
                    """
                    SELECT actor_subject, purpose, outcome::text, patient_id IS NULL, detail::text FROM audit_events
                    WHERE action = 'export' AND resource_type = 'Bulk export'
                    """
                ).map { try $0.decode((String, String, String, Bool, String).self) }
                #expect(rows.count == 1, "\(rows)")
                let row = try #require(rows.first)
                #expect(row.0 == "registry-planner" && row.1 == Self.purpose && row.2 == "success" && row.3)
                let detail = try #require(try JSONSerialization.jsonObject(with: Data(row.4.utf8)) as? [String: Any])
                #expect(detail["legalBasis"] as? String == Self.purpose)
                #expect(detail["organisations"] as? [String] == [Self.region.uuidString.lowercased()])
                #expect((detail["organisationsRead"] as? [String])?.count == expected.3, "every organisation read is named")
                #expect((detail["resources"] as? [String: Int])?["Patient"] == expected.0, "\(detail)")
                let downloads = try await pool.query(
                    "SELECT count(*)::int FROM audit_events WHERE resource_type = 'Bulk export file' AND outcome = 'success' AND purpose = \(Self.purpose)"
                ).single().decode(Int.self)
                #expect(downloads == result.output.split(separator: "\n").filter { $0.hasPrefix("file ") }.count)
                // The detail is covered by the chain: it verifies, and an edited detail breaks it.
                _ = try await AuditLog.seal(pool)
                #expect(try await AuditLog.verify(pool).firstBreak == nil)
                try await pool.query("UPDATE audit_events SET detail = jsonb_set(detail, '{legalBasis}', '\"curiosity\"') WHERE action = 'export'")
                #expect(try await AuditLog.verify(pool).firstBreak != nil, "an edited legal basis is found")
            }
        }
    }

    @Test(.timeLimit(.minutes(10))) func anExportIsRefusedWhenAskedWronglyAndReachesOnlyTheCallersOrganisations() async throws {
        let keyFile = FileManager.default.temporaryDirectory.appendingPathComponent("key-\(UUID().uuidString).pem")
        let planner = try await FHIRFacadeTests.token(.planner, [Self.region], keyFile: keyFile, subject: "planner-a")
        let otherPlanner = try await FHIRFacadeTests.token(.planner, [Self.region], keyFile: keyFile, subject: "planner-b")
        let southAdmin = try await FHIRFacadeTests.token(.admin, [Self.south], keyFile: keyFile, subject: "south-admin")
        let clinician = try await FHIRFacadeTests.token(.clinician, [Self.region], keyFile: keyFile)
        try await TestDatabase.with { database in
            try await Self.demo(database)
            try await Harness.live(database: database.app, keyFile: keyFile) { client in
                let purpose = Self.purpose.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
                func kickOff(_ token: String, _ query: String, prefer: Bool = true) async throws -> (HTTPResponse.Status, String?, [String: Any]?) {
                    var headers: HTTPFields = [.authorization: "Bearer \(token)", .accept: "application/fhir+json"]
                    if prefer, let name = HTTPField.Name("Prefer") { headers[name] = "respond-async" }
                    return try await client.execute(uri: "/fhir/R4/$export?\(query)", method: .get, headers: headers) { response in
                        (
                            response.status, response.headers[.contentLocation],
                            try? JSONSerialization.jsonObject(with: Data(response.text.utf8)) as? [String: Any]
                        )
                    }
                }
                for (token, query, prefer, status, names) in [
                    (clinician, "purpose=\(purpose)", true, HTTPResponse.Status.forbidden, ""),
                    (planner, "purpose=\(purpose)", false, .badRequest, "Prefer"),
                    (planner, "", true, .badRequest, "purpose"),
                    (planner, "purpose=x", true, .badRequest, "purpose"),
                    (planner, "purpose=\(purpose)&_type=Patient,Secret", true, .badRequest, "Secret"),
                    (planner, "purpose=\(purpose)&_since=2020-01-01", true, .badRequest, "_since"),
                    (planner, "purpose=\(purpose)&_outputFormat=text/csv", true, .badRequest, "_outputFormat"),
                ] {
                    let (answered, location, outcome) = try await kickOff(token, query, prefer: prefer)
                    #expect(answered == status && location == nil, "\(query): \(answered)")
                    #expect(outcome?["resourceType"] as? String == "OperationOutcome", "\(query)")
                    #expect(names.isEmpty || "\(outcome ?? [:])".contains(names), "\(query) names \(names): \(outcome ?? [:])")
                }
                #expect(
                    try await database.withPool(.superuser) { pool in
                        try await pool.query("SELECT count(*)::int FROM jobs").single().decode(Int.self)
                    } == 0, "a refused kick-off queues nothing")

                // The planner's export of patients only; the South admin's of South's organisations only.
                let (accepted, location, _) = try await kickOff(planner, "purpose=Registry+%2B+research&_type=Patient")
                #expect(accepted == .accepted)
                let status = try Self.path(try #require(location))
                let manifest = try await Self.finished(client, status, token: planner)
                #expect(
                    (manifest["extension"] as? [String: Any])?["https://strokepath.se/fhir/bulk/purpose"] as? String == "Registry + research",
                    "a form's + is a space, %2B a plus sign")
                let outputs = try #require(manifest["output"] as? [[String: Any]])
                #expect(outputs.map { $0["type"] as? String } == ["Patient"], "only the type asked for")
                #expect(outputs.first?["count"] as? Int == DemoData.patients.count)
                let fileURL = try #require(outputs.first?["url"] as? String)
                let file = try Self.path(fileURL)
                let lines = try await Self.get(client, file, token: planner).text.split(separator: "\n")
                #expect(lines.count == DemoData.patients.count)
                // Another planner of the region, and an admin of another organisation, see neither status nor file.
                for token in [otherPlanner, southAdmin] {
                    #expect(try await Self.get(client, status, token: token).status == .notFound)
                    #expect(try await Self.get(client, file, token: token).status == .notFound)
                }
                #expect(try await Self.get(client, file.replacingOccurrences(of: "Patient.ndjson", with: "Secret.ndjson"), token: planner).status == .notFound)
                #expect(try await Self.get(client, "/fhir/R4/$export-status/\(UUID())", token: planner).status == .notFound)
                let denied = try await database.withPool(.superuser) { pool in
                    try await pool.query("SELECT count(*)::int FROM audit_events WHERE resource_type = 'Bulk export file' AND outcome = 'denied'")
                        .single().decode(Int.self)
                }
                #expect(denied == 3, "each refused download is audited")

                // An admin who acts for only some of an export's organisations reads none of its files.
                let wide = try await FHIRFacadeTests.token(.planner, [Self.region, Self.south], keyFile: keyFile, subject: "planner-wide")
                let (_, wideLocation, _) = try await kickOff(wide, "purpose=\(purpose)&_type=Patient")
                let wideStatus = try Self.path(try #require(wideLocation))
                _ = try await Self.finished(client, wideStatus, token: wide)
                #expect(try await Self.get(client, wideStatus, token: southAdmin).status == .notFound, "South's admin does not act for the region")

                let (southAccepted, southLocation, _) = try await kickOff(southAdmin, "purpose=\(purpose)&_type=Patient,Organization")
                #expect(southAccepted == .accepted)
                let southStatus = try Self.path(try #require(southLocation))
                let southManifest = try await Self.finished(client, southStatus, token: southAdmin)
                let southOutputs = try #require(southManifest["output"] as? [[String: Any]])
                let southPatients = try await database.withPool(.superuser) { pool in
                    try await pool.query("SELECT count(*)::int FROM patients WHERE organisation_id = \(Self.south)").single().decode(Int.self)
                }
                #expect(southOutputs.first { $0["type"] as? String == "Patient" }?["count"] as? Int == southPatients, "South's patients only")
                let organisations = try #require(southOutputs.first { $0["type"] as? String == "Organization" }?["url"] as? String)
                let named = try await Self.get(client, try Self.path(organisations), token: southAdmin).text
                #expect(named.contains("DEMO-SOUTH-SU") && named.contains("\"DEMO\"") && !named.contains("DEMO-NORTH"), "South, below it and above it")
            }
        }
    }

    /// Without a replica that answers, the export is read from the primary and says so; the
    /// command line's export records its one audit row too.
    @Test func anExportWithTheReplicaAwayIsReadFromThePrimary() async throws {
        try await TestDatabase.with { database in
            try await Self.demo(database)
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("export-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: folder) }
            let replica = PostgresPool(settings: Harness.unreachable, logger: TestDatabase.logger)
            defer { Task { await replica.close() } }
            let result = try await database.withPool(.app) { pool in
                let exports = BulkExports(
                    pool: pool, replica: replica, audit: AuditWriter(pool: pool), directory: folder,
                    format: try FHIRBulkFormat(library: ProtocolLibrary(directory: TestPaths.protocols.directory)))
                let context = AccessContext(subject: "cli:test", role: "planner", organisations: [Self.region])
                return try await exports.export(
                    ExportRequest(types: exports.format.types, purpose: Self.purpose, organisations: [Self.region], request: "test"), as: context,
                    into: folder, progress: { _, _ in })
            }
            #expect(result.source == "primary" && result.patients == DemoData.patients.count)
            for file in result.files {
                let data = try Data(contentsOf: folder.appendingPathComponent(file.name))
                #expect(data.count == file.bytes && data.filter { $0 == UInt8(ascii: "\n") }.count == file.count, "\(file)")
            }
            let audited = try await database.withPool(.superuser) { pool in
                try await pool.query("SELECT count(*)::int FROM audit_events WHERE action = 'export' AND actor_subject = 'cli:test'").single().decode(Int.self)
            }
            #expect(audited == 1)
        }
    }

    /// An export that cannot write its files (a file stands where its folder should be, as a
    /// full or broken disk would refuse it) fails: its status is an OperationOutcome saying so,
    /// one audit row records the failed export, and no file is offered.
    @Test(.timeLimit(.minutes(10))) func anExportThatCannotWriteFailsSaysSoAndIsAuditedOnce() async throws {
        let keyFile = FileManager.default.temporaryDirectory.appendingPathComponent("key-\(UUID().uuidString).pem")
        let planner = try await FHIRFacadeTests.token(.planner, [Self.region], keyFile: keyFile, subject: "planner-full-disk")
        let blocker = FileManager.default.temporaryDirectory.appendingPathComponent("not-a-folder-\(UUID().uuidString)")
        #expect(FileManager.default.createFile(atPath: blocker.path, contents: Data("x".utf8)))
        defer { try? FileManager.default.removeItem(at: blocker) }
        try await TestDatabase.with { database in
            try await Self.demo(database)
            var configuration = Harness.configuration(database: database.app)
            configuration.authentication = .development(keyFile: keyFile)
            configuration.exportDirectory = blocker.appendingPathComponent("exports")
            let app = try await buildApplication(configuration: configuration, logger: TestDatabase.logger, metrics: Harness.metrics)
            try await app.test(.live) { client in
                var headers: HTTPFields = [.authorization: "Bearer \(planner)"]
                if let prefer = HTTPField.Name("Prefer") { headers[prefer] = "respond-async" }
                let location = try await client.execute(uri: "/fhir/R4/$export?purpose=registry", method: .get, headers: headers) { response in
                    #expect(response.status == .accepted)
                    return response.headers[.contentLocation]
                }
                let status = try Self.path(try #require(location))
                var answer = try await Self.get(client, status, token: planner)
                while answer.status == .accepted {
                    try await Task.sleep(for: .milliseconds(100))
                    answer = try await Self.get(client, status, token: planner)
                }
                #expect(answer.status == .internalServerError && answer.text.contains("OperationOutcome") && answer.text.contains("The export failed"))
            }
            let rows = try await database.withPool(.superuser) { pool in
                try await pool.query("SELECT outcome::text FROM audit_events WHERE action = 'export' AND actor_subject = 'planner-full-disk'")
                    .map { try $0.decode(String.self) }
            }
            #expect(rows == ["failed"], "one row, for the failed export")
        }
    }

    // MARK: Helpers

    /// The path (and query) of an absolute URL the service gave, to ask the test client for.
    static func path(_ url: String) throws -> String {
        let components = try #require(URLComponents(string: url), "\(url)")
        return components.percentEncodedPath + (components.percentEncodedQuery.map { "?" + $0 } ?? "")
    }

    static func get(_ client: any TestClientProtocol, _ path: String, token: String) async throws -> (status: HTTPResponse.Status, text: String) {
        try await client.execute(uri: path, method: .get, headers: [.authorization: "Bearer \(token)"]) { ($0.status, $0.text) }
    }

    /// Polls an export's status until it is no longer running (whatever the machine's load; the
    /// test's time limit catches one that never ends); its manifest.
    static func finished(_ client: any TestClientProtocol, _ path: String, token: String) async throws -> [String: Any] {
        while true {
            let (status, text) = try await get(client, path, token: token)
            if status == .accepted {
                try await Task.sleep(for: .milliseconds(100))
                continue
            }
            try #require(status == .ok, "\(path): \(status) \(text)")
            return try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        }
    }
}
