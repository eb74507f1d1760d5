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

/// The acute API over real HTTP on a real database: evaluation stored with its audit row,
/// 422 naming every bad field, episodes with derived intervals, a past answer shown exactly
/// as given, isolation, and evaluation through a database outage via the spool.
@Suite struct AcuteAPITests {
    static let north = DemoData.organisations[1].id
    static let south = DemoData.organisations[2].id
    static let northPatient = DemoData.patients[0]

    /// Vector C01's presentation, from the project's copy of the vectors.
    static func presentation(_ id: String = "C01") throws -> String {
        let url = TestPaths.projectRoot.appendingPathComponent("Tests/Fixtures/acute/cases.json")
        let cases = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any]
        let found = (cases?["cases"] as? [[String: Any]])?.first { $0["id"] as? String == id }?["presentation"]
        return String(decoding: try JSONSerialization.data(withJSONObject: try #require(found)), as: UTF8.self)
    }

    /// The acute protocol's version as the project's profiles.json states it.
    static func protocolVersion() throws -> String? {
        let url = TestPaths.protocols.directory.appendingPathComponent("\(ProtocolLibrary.acuteFolder)/profiles.json")
        return (try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])?["version"] as? String
    }

    static func count(_ database: TestDatabase, _ sql: PostgresQuery) async throws -> Int {
        try await database.withPool(.superuser) { try await $0.query(sql).single().decode(Int.self) }
    }

    @Test func evaluationIsStoredWithItsAuditRowAndShownBackAsGiven() async throws {
        let keyFile = FileManager.default.temporaryDirectory.appendingPathComponent("key-\(UUID().uuidString).pem")
        let doctor = try await PatientAPITests.caller(.clinician, Self.north, subject: "dr-acute", keyFile: keyFile)
        let body = try Self.presentation()
        try await TestDatabase.with { database in
            try await database.withPool(.app) { pool in _ = try await DemoData.load(into: pool) }
            try await Harness.live(database: database.app, keyFile: keyFile) { client in
                // An episode with arrival and needle times: door-to-needle derived.
                let episode = try await client.execute(
                    uri: "/api/v1/episodes", method: .post, headers: doctor.headers,
                    body: ByteBuffer(
                        string:
                            #"{"patientId":"\#(Self.northPatient)","organisationId":"\#(Self.north)","lastKnownWell":"2026-11-29T07:00:00Z","arrivalAt":"2026-11-29T08:00:00Z"}"#
                    )
                ) { response in
                    #expect(response.status == .created, "\(response.text)")
                    return try #require(response.json["id"] as? String)
                }
                try await client.execute(
                    uri: "/api/v1/episodes/\(episode)", method: .patch, headers: doctor.headers,
                    body: ByteBuffer(string: #"{"imagingAt":"2026-11-29T08:12:00Z","needleAt":"2026-11-29T08:38:00Z","thrombolytic":"tenecteplase"}"#)
                ) { response in
                    #expect(response.status == .ok, "\(response.text)")
                    #expect(response.json["doorToNeedleMin"] as? Int == 38)
                    #expect(response.json["doorToImagingMin"] as? Int == 12)
                    #expect(response.json["onsetToNeedleMin"] as? Int == 98)
                }

                let auditBefore = try await Self.count(database, "SELECT count(*) FROM audit_events WHERE resource_type = 'AcuteEvaluation'")
                let (id, evaluation) = try await client.execute(
                    uri: "/api/v1/acute/evaluate?episode=\(episode)&profile=aha-2026", method: .post, headers: doctor.headers, body: ByteBuffer(string: body)
                ) { response in
                    #expect(response.status == .created, "\(response.text)")
                    #expect(response.headers[.cacheControl] == "no-store")
                    #expect(response.json["stored"] as? String == "database")
                    let evaluation = try #require(response.json["evaluation"] as? [String: Any])
                    #expect((evaluation["ivt"] as? [String: Any])?["status"] as? String == "eligible")
                    #expect(evaluation["profile"] as? String == "aha-2026")
                    return (
                        try #require(response.json["evaluation_id"] as? String), try JSONSerialization.data(withJSONObject: evaluation, options: .sortedKeys)
                    )
                }
                #expect(try await Self.count(database, "SELECT count(*) FROM audit_events WHERE resource_type = 'AcuteEvaluation'") == auditBefore + 1)
                #expect(try await Self.count(database, "SELECT count(*) FROM acute_evaluations WHERE patient_id = \(Self.northPatient)") == 1)

                // The past answer comes back exactly as given, and the episode lists it.
                try await client.execute(uri: "/api/v1/acute/evaluations/\(id)", method: .get, headers: doctor.headers) { response in
                    #expect(response.status == .ok)
                    let stored = try #require(response.json["evaluation"] as? [String: Any])
                    #expect(try JSONSerialization.data(withJSONObject: stored, options: .sortedKeys) == evaluation)
                    #expect((response.json["summary"] as? [String: Any])?["protocolVersion"] as? String == (try Self.protocolVersion()))
                }
                try await client.execute(uri: "/api/v1/episodes/\(episode)/evaluations", method: .get, headers: doctor.headers) { response in
                    #expect(response.status == .ok)
                    #expect(response.text.contains(id))
                }
            }
        }
    }

    @Test func badPresentationIs422NamingEveryFieldAndStoresNothing() async throws {
        let keyFile = FileManager.default.temporaryDirectory.appendingPathComponent("key-\(UUID().uuidString).pem")
        let doctor = try await PatientAPITests.caller(.clinician, Self.north, subject: "dr-acute", keyFile: keyFile)
        try await TestDatabase.with { database in
            try await database.withPool(.app) { pool in _ = try await DemoData.load(into: pool) }
            try await Harness.live(database: database.app, keyFile: keyFile) { client in
                let bad = #"{"times": {"onset_type": "witnessed", "lkw_to_decision_min": -5}, "nihss": 43, "labs": {"inr": "abc"}}"#
                try await client.execute(uri: "/api/v1/acute/evaluate", method: .post, headers: doctor.headers, body: ByteBuffer(string: bad)) { response in
                    #expect(response.status == .unprocessableContent)
                    #expect(response.headers[.contentType] == "application/problem+json")
                    let fields = Set((response.json["errors"] as? [[String: Any]] ?? []).compactMap { $0["field"] as? String })
                    #expect(fields == ["age", "times.lkw_to_decision_min", "nihss", "labs.inr"])
                }
                try await client.execute(
                    uri: "/api/v1/acute/evaluate?profile=nice", method: .post, headers: doctor.headers,
                    body: ByteBuffer(string: try Self.presentation())
                ) { response in
                    #expect(response.status == .unprocessableContent)
                }
                // Issue 18: haemorrhage fields out of range.
                let bleed =
                    #"{"age": 70, "times": {"onset_type": "witnessed", "lkw_to_decision_min": 90}, "gcs": 16, "imaging": {"hemorrhage": true, "ich_volume_ml": -1}}"#
                try await client.execute(uri: "/api/v1/acute/evaluate", method: .post, headers: doctor.headers, body: ByteBuffer(string: bleed)) { response in
                    #expect(response.status == .unprocessableContent)
                    let fields = Set((response.json["errors"] as? [[String: Any]] ?? []).compactMap { $0["field"] as? String })
                    #expect(fields == ["gcs", "imaging.ich_volume_ml"])
                }
                #expect(try await Self.count(database, "SELECT count(*) FROM acute_evaluations") == 0)
            }
        }
    }

    @Test func anotherOrganisationsEpisodeCannotBeSeenOrEvaluatedAgainst() async throws {
        let keyFile = FileManager.default.temporaryDirectory.appendingPathComponent("key-\(UUID().uuidString).pem")
        let north = try await PatientAPITests.caller(.clinician, Self.north, subject: "dr-north", keyFile: keyFile)
        let south = try await PatientAPITests.caller(.clinician, Self.south, subject: "dr-south", keyFile: keyFile)
        try await TestDatabase.with { database in
            try await database.withPool(.app) { pool in _ = try await DemoData.load(into: pool) }
            try await Harness.live(database: database.app, keyFile: keyFile) { client in
                let episode = try await client.execute(
                    uri: "/api/v1/episodes", method: .post, headers: north.headers,
                    body: ByteBuffer(string: #"{"patientId":"\#(Self.northPatient)","organisationId":"\#(Self.north)"}"#)
                ) { try #require($0.json["id"] as? String) }
                try await client.execute(uri: "/api/v1/episodes/\(episode)", method: .get, headers: south.headers) { #expect($0.status == .notFound) }
                try await client.execute(
                    uri: "/api/v1/episodes/\(episode)", method: .patch, headers: south.headers,
                    body: ByteBuffer(string: #"{"needleAt":"2026-11-29T08:38:00Z"}"#)
                ) { #expect($0.status == .notFound) }
                try await client.execute(
                    uri: "/api/v1/acute/evaluate?episode=\(episode)", method: .post, headers: south.headers,
                    body: ByteBuffer(string: try Self.presentation())
                ) { #expect($0.status == .notFound) }
                #expect(try await Self.count(database, "SELECT count(*) FROM acute_evaluations") == 0)
                // South's own stateless evaluation is stored for South only.
                let id = try await client.execute(
                    uri: "/api/v1/acute/evaluate", method: .post, headers: south.headers,
                    body: ByteBuffer(string: try Self.presentation())
                ) { try #require($0.json["evaluation_id"] as? String) }
                try await client.execute(uri: "/api/v1/acute/evaluations/\(id)", method: .get, headers: north.headers) { #expect($0.status == .notFound) }
            }
        }
    }

    @Test func episodeTimesAreCheckedAndBadFieldsNamed() async throws {
        let keyFile = FileManager.default.temporaryDirectory.appendingPathComponent("key-\(UUID().uuidString).pem")
        let doctor = try await PatientAPITests.caller(.clinician, Self.north, subject: "dr-acute", keyFile: keyFile)
        try await TestDatabase.with { database in
            try await database.withPool(.app) { pool in _ = try await DemoData.load(into: pool) }
            try await Harness.live(database: database.app, keyFile: keyFile) { client in
                try await client.execute(
                    uri: "/api/v1/episodes", method: .post, headers: doctor.headers,
                    body: ByteBuffer(
                        string: #"{"patientId":"\#(Self.northPatient)","organisationId":"\#(Self.north)","needleAt":"yesterday","mtici":"4","colour":"red"}"#)
                ) { response in
                    #expect(response.status == .unprocessableContent)
                    let fields = Set((response.json["errors"] as? [[String: Any]] ?? []).compactMap { $0["field"] as? String })
                    #expect(fields == ["needleAt", "mtici", "colour"])
                }
                try await client.execute(
                    uri: "/api/v1/episodes", method: .post, headers: doctor.headers,
                    body: ByteBuffer(
                        string:
                            #"{"patientId":"\#(Self.northPatient)","organisationId":"\#(Self.north)","lastKnownWell":"2026-11-29T09:00:00Z","needleAt":"2026-11-29T08:00:00Z"}"#
                    )
                ) { response in
                    #expect(response.status == .unprocessableContent, "times out of order are the request's fault, named")
                    #expect(response.text.contains(#""field":"times""#), "\(response.text)")
                }
                #expect(try await Self.count(database, "SELECT count(*) FROM stroke_episodes") == DemoData.episodes.count)
            }
        }
    }

    /// I4: an episode records how the patient came — direct, transfer or in-hospital onset —
    /// stored and shown back, changed and cleared by PATCH; any other value is 422 naming
    /// `arrivalMode` and changes nothing.
    @Test func I4_arrivalModeIsStoredAndABadValueIs422() async throws {
        let keyFile = FileManager.default.temporaryDirectory.appendingPathComponent("key-\(UUID().uuidString).pem")
        let doctor = try await PatientAPITests.caller(.clinician, Self.north, subject: "dr-acute", keyFile: keyFile)
        try await TestDatabase.with { database in
            try await database.withPool(.app) { pool in _ = try await DemoData.load(into: pool) }
            try await Harness.live(database: database.app, keyFile: keyFile) { client in
                let episode = try await client.execute(
                    uri: "/api/v1/episodes", method: .post, headers: doctor.headers,
                    body: ByteBuffer(
                        string:
                            #"{"patientId":"\#(Self.northPatient)","organisationId":"\#(Self.north)","arrivalAt":"2026-11-29T08:00:00Z","arrivalMode":"transfer"}"#
                    )
                ) { response in
                    #expect(response.status == .created, "\(response.text)")
                    #expect(response.json["arrivalMode"] as? String == "transfer")
                    return try #require(response.json["id"] as? String)
                }
                func stored() async throws -> String? {
                    try await database.withPool(.superuser) { pool in
                        try await pool.query("SELECT arrival_mode FROM stroke_episodes WHERE id = \(try #require(UUID(uuidString: episode)))")
                            .single().decode(String?.self, at: 0)
                    }
                }
                #expect(try await stored() == "transfer")
                try await client.execute(
                    uri: "/api/v1/episodes/\(episode)", method: .patch, headers: doctor.headers,
                    body: ByteBuffer(string: #"{"arrivalMode":"in_hospital"}"#)
                ) { response in
                    #expect(response.status == .ok, "\(response.text)")
                    #expect(response.json["arrivalMode"] as? String == "in_hospital")
                }
                try await client.execute(uri: "/api/v1/episodes/\(episode)", method: .get, headers: doctor.headers) { response in
                    #expect(response.json["arrivalMode"] as? String == "in_hospital")
                }
                for bad in [#""walk-in""#, "3", #""DIRECT""#] {
                    try await client.execute(
                        uri: "/api/v1/episodes/\(episode)", method: .patch, headers: doctor.headers,
                        body: ByteBuffer(string: #"{"arrivalMode":\#(bad),"nihssAtArrival":7}"#)
                    ) { response in
                        #expect(response.status == .unprocessableContent, "\(bad)")
                        #expect(response.headers[.contentType]?.hasPrefix("application/problem+json") == true)
                        let fields = (response.json["errors"] as? [[String: Any]] ?? []).compactMap { $0["field"] as? String }
                        #expect(fields == ["arrivalMode"], "\(bad)")
                    }
                }
                #expect(try await stored() == "in_hospital", "a refused change changes nothing")
                #expect(try await Self.count(database, "SELECT count(*) FROM stroke_episodes WHERE nihss_at_arrival = 7") == 0)
                try await client.execute(
                    uri: "/api/v1/episodes", method: .post, headers: doctor.headers,
                    body: ByteBuffer(string: #"{"patientId":"\#(Self.northPatient)","organisationId":"\#(Self.north)","arrivalMode":"ambulance"}"#)
                ) { response in
                    #expect(response.status == .unprocessableContent)
                }
                #expect(
                    try await Self.count(database, "SELECT count(*) FROM stroke_episodes") == DemoData.episodes.count + 1, "the refused create stored nothing")
                try await client.execute(
                    uri: "/api/v1/episodes/\(episode)", method: .patch, headers: doctor.headers,
                    body: ByteBuffer(string: #"{"arrivalMode":null}"#)
                ) { response in
                    #expect(response.status == .ok && response.json["arrivalMode"] == nil, "\(response.text)")
                }
                #expect(try await stored() == nil, "null: not recorded")
            }
        }
    }

    /// The database goes away (connections refused and cut), an evaluation is still answered
    /// and spooled; when the database is back, the spool writes it with its audit row.
    @Test(.timeLimit(.minutes(10))) func evaluationSurvivesADatabaseOutageThroughTheSpool() async throws {
        let keyFile = FileManager.default.temporaryDirectory.appendingPathComponent("key-\(UUID().uuidString).pem")
        let doctor = try await PatientAPITests.caller(.clinician, Self.north, subject: "dr-outage", keyFile: keyFile)
        let body = try Self.presentation("C08")
        try await TestDatabase.with { database in
            try await database.withPool(.app) { pool in _ = try await DemoData.load(into: pool) }
            let admin = PostgresPool(settings: database.superuser.setting("dbname", to: "postgres"), logger: TestDatabase.logger)
            defer { Task { await admin.close() } }
            try await Harness.live(database: database.app, keyFile: keyFile, acuteStoreTimeout: .seconds(2)) { client in
                try await client.execute(uri: "/api/v1/acute/evaluate", method: .post, headers: doctor.headers, body: ByteBuffer(string: body)) { response in
                    #expect(response.json["stored"] as? String == "database")
                }
                try await admin.query("ALTER DATABASE \(identifier: database.name) ALLOW_CONNECTIONS false")
                try await admin.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = \(database.name)")
                let spooled = try await client.execute(uri: "/api/v1/acute/evaluate", method: .post, headers: doctor.headers, body: ByteBuffer(string: body)) {
                    response in
                    #expect(response.status == .created, "\(response.text)")
                    #expect(response.json["stored"] as? String == "spool")
                    #expect(((response.json["evaluation"] as? [String: Any])?["evt"] as? [String: Any])?["recommendation"] as? String == "recommended")
                    return try #require(response.json["evaluation_id"] as? String)
                }
                try await admin.query("ALTER DATABASE \(identifier: database.name) ALLOW_CONNECTIONS true")
                // Wait for the event (the spool drained), not for a time; a hang trips the time limit.
                var stored = 0
                while stored == 0 {
                    try await Task.sleep(for: .milliseconds(200))
                    stored = try await Self.count(database, "SELECT count(*) FROM acute_evaluations WHERE id = \(UUID(uuidString: spooled)) AND via_spool")
                }
                #expect(stored == 1)
                #expect(try await Self.count(database, "SELECT count(*) FROM audit_events WHERE resource_id = \(spooled)") == 1)
            }
        }
    }

    /// The database is away and the spool cannot take the record either (its folder cannot be
    /// made: a file stands where it should be, as a full or broken disk would refuse it): the
    /// evaluation is not given, with a 503 that says why, and nothing is acknowledged.
    @Test func withNeitherDatabaseNorSpoolTheEvaluationIsNotGivenAndSaysWhy() async throws {
        let keyFile = FileManager.default.temporaryDirectory.appendingPathComponent("key-\(UUID().uuidString).pem")
        let doctor = try await PatientAPITests.caller(.clinician, Self.north, subject: "dr-no-spool", keyFile: keyFile)
        let blocker = FileManager.default.temporaryDirectory.appendingPathComponent("not-a-folder-\(UUID().uuidString)")
        #expect(FileManager.default.createFile(atPath: blocker.path, contents: Data("x".utf8)))
        defer { try? FileManager.default.removeItem(at: blocker) }
        var configuration = Harness.configuration(database: Harness.unreachable)
        configuration.authentication = .development(keyFile: keyFile)
        configuration.spoolDirectory = blocker.appendingPathComponent("spool")
        configuration.acuteStoreTimeout = .seconds(2)
        let app = try await buildApplication(configuration: configuration, logger: TestDatabase.logger, metrics: Harness.metrics)
        try await app.test(.live) { client in
            try await client.execute(
                uri: "/api/v1/acute/evaluate", method: .post, headers: doctor.headers, body: ByteBuffer(string: try Self.presentation("C08"))
            ) { response in
                #expect(response.status == .serviceUnavailable, "\(response.text)")
                #expect(response.json["type"] as? String == "urn:strokepath:problem:storage-unavailable")
                #expect((response.json["detail"] as? String)?.contains("not given") == true)
                #expect(response.json["evaluation_id"] == nil && response.json["evaluation"] == nil, "nothing acknowledged")
            }
        }
        #expect(!FileManager.default.fileExists(atPath: configuration.spoolDirectory.path))
    }
}
