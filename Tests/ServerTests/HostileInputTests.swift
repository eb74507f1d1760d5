import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Postgres
import PostgresTestSupport
import Seed
import Testing

@testable import Server

/// Input that gave 500 in the security review (M1–M3, L2, L4) now gets a specific 4xx
/// problem and changes nothing: times out of range, NUL and other control characters,
/// reversed ranges, chunked bodies over the limit, unsupported methods, pseudonyms that
/// hide what they say.
@Suite(.timeLimit(.minutes(10))) struct HostileInputTests {
    static let north = DemoData.organisations[1].id
    static let patient = DemoData.patients[0].uuidString.lowercased()
    static let episode = DemoData.episodes[0].uuidString.lowercased()

    /// The count of rows of a table, read as the superuser (past row-level security).
    static func rows(_ database: TestDatabase, _ table: String) async throws -> Int {
        try await database.withPool(.superuser) { try await $0.query("SELECT count(*) FROM \(identifier: table)").single().decode(Int.self) }
    }

    static func field(_ answer: (status: HTTPResponse.Status, type: String?, json: Any?)) -> String? {
        ((answer.json as? [String: Any])?["errors"] as? [[String: Any]])?.first?["field"] as? String
    }

    @Test(.timeLimit(.minutes(10))) func M1_timesOutsideTheClinicalRangeAreRefusedAndTheRefreshKeepsWorking() async throws {
        let keyFile = FileManager.default.temporaryDirectory.appendingPathComponent("key-\(UUID().uuidString).pem")
        let clinicianToken = try await Harness.token(.clinician, subject: "sec-clin", organisations: [Self.north], keyFile: keyFile)
        let adminToken = try await Harness.token(.admin, subject: "sec-admin", organisations: [Self.north], keyFile: keyFile)
        try await TestDatabase.with { database in
            try await database.withPool(.app) { pool in _ = try await DemoData.load(into: pool) }
            try await Harness.live(database: database.app, keyFile: keyFile) { client in
                let clinician = APICaller(client: client, token: clinicianToken)
                let admin = APICaller(client: client, token: adminToken)
                let episodes = try await Self.rows(database, "stroke_episodes")
                for time in ["4001-01-01T00:00:00Z", "0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z", "1899-12-31T23:59:59Z"] {
                    let created = try await clinician.send(
                        .post, "/api/v1/episodes",
                        ["patientId": Self.patient, "organisationId": Self.north.uuidString, "arrivalAt": time, "strokeType": "ischaemic"])
                    #expect(created.status == .unprocessableContent && Self.field(created) == "arrivalAt", "\(time): \(created)")
                    let changed = try await clinician.send(.patch, "/api/v1/episodes/\(Self.episode)", ["lastKnownWell": time])
                    #expect(changed.status == .unprocessableContent && Self.field(changed) == "lastKnownWell", "\(time): \(changed)")
                }
                // What records the past may not be in the future.
                let tomorrow = Date().addingTimeInterval(2 * 86_400).formatted(.iso8601)
                let future = try await clinician.send(.patch, "/api/v1/episodes/\(Self.episode)", ["arrivalAt": tomorrow])
                #expect(future.status == .unprocessableContent && Self.field(future) == "arrivalAt")
                let observation = try await clinician.send(
                    .post, "/api/v1/patients/\(Self.patient)/recovery/observations",
                    ["instrument": "NIHSS", "observedAt": tomorrow, "value": 3, "rater": "dr"])
                #expect(observation.status == .unprocessableContent && Self.field(observation) == "observedAt", "\(observation)")
                #expect(try await Self.rows(database, "stroke_episodes") == episodes)
                let infinite = try await database.withPool(.superuser) {
                    try await $0.query("SELECT count(*) FROM stroke_episodes WHERE NOT isfinite(arrival_at) OR NOT isfinite(last_known_well)").single()
                        .decode(Int.self)
                }
                #expect(infinite == 0)
                let refresh = try await admin.send(.post, "/api/v1/reports/refresh")
                let refreshID = try #require((refresh.json as? [String: Any])?["id"] as? String, "\(refresh)")
                #expect(try await admin.finished("/api/v1/reports/refresh/\(refreshID)")["status"] as? String == "done")
                // A query parameter's time likewise.
                let audit = try await APICaller(
                    client: client, token: try await Harness.token(.auditor, subject: "aud", organisations: [Self.north], keyFile: keyFile)
                )
                .send(.get, "/api/v1/audit/events?since=0001-01-01T00:00:00Z")
                #expect(audit.status == .unprocessableContent && Self.field(audit) == "since", "\(audit)")
            }
        }
    }

    @Test func M3_controlCharactersAndReversedRangesAreRefusedNot500() async throws {
        let keyFile = FileManager.default.temporaryDirectory.appendingPathComponent("key-\(UUID().uuidString).pem")
        let clinic = DemoClinicFixture.clinic
        let clinicianToken = try await Harness.token(.clinician, subject: "sec-clin", organisations: [Self.north], keyFile: keyFile)
        let coordinatorToken = try await Harness.token(.rehabCoordinator, subject: "sec-coord", organisations: [clinic], keyFile: keyFile)
        let auditorToken = try await Harness.token(.auditor, subject: "sec-aud", organisations: [Self.north], keyFile: keyFile)
        let plannerToken = try await Harness.token(.planner, subject: "sec-plan", organisations: [DemoData.organisations[0].id], keyFile: keyFile)
        try await TestDatabase.with { database in
            try await database.withPool(.app) { pool in _ = try await DemoClinicFixture.load(into: pool) }
            let therapist = try await database.withPool(.superuser) {
                try await $0.query("SELECT id FROM rehab_therapists ORDER BY code LIMIT 1").single().decode(UUID.self)
            }.uuidString.lowercased()
            try await Harness.live(database: database.app, keyFile: keyFile) { client in
                let clinician = APICaller(client: client, token: clinicianToken)
                let coordinator = APICaller(client: client, token: coordinatorToken)
                let rehabPatient = DemoClinicFixture.patient("DEMO-R01").uuidString.lowercased()
                let before = try await (
                    Self.rows(database, "break_glass_grants"), Self.rows(database, "rehab_therapists"), Self.rows(database, "rehab_waitlist")
                )
                let bodies: [(APICaller, String, [String: Any], String)] = [
                    (clinician, "/api/v1/patients/\(Self.patient)/break-glass", ["reason": "emergency \u{0} reason text", "minutes": 1], "reason"),
                    (
                        clinician, "/api/v1/patients/\(Self.patient)/recovery/observations",
                        ["instrument": "NIHSS", "observedAt": "2026-12-05T10:00:00Z", "value": 3, "rater": "dr\u{0}x"], "rater"
                    ),
                    (
                        coordinator, "/api/v1/rehab/waitlist",
                        [
                            "organisationId": clinic.uuidString, "patientId": rehabPatient, "modality": "PT", "priority": 1, "wantedBy": "2026-12-20",
                            "note": "n\u{0}",
                        ],
                        "note"
                    ),
                    (
                        coordinator, "/api/v1/rehab/therapists/\(therapist)/leave",
                        ["start": "2026-12-20T08:00:00Z", "end": "2026-12-20T09:00:00Z", "reason": "a\u{1b}[31mb"], "reason"
                    ),
                    (coordinator, "/api/v1/recovery/observations/\(UUID().uuidString)/withdraw", ["reason": "x\u{0}"], "reason"),
                    (clinician, "/api/v1/patients", ["organisationId": Self.north.uuidString, "pseudonym": "SEC", "sex": "female", "x\u{0}": 1], "body"),
                ]
                for (caller, path, body, field) in bodies {
                    let answer = try await caller.send(.post, path, body)
                    #expect(answer.status == .unprocessableContent && answer.type == "application/problem+json", "\(path): \(answer)")
                    #expect(Self.field(answer) == field, "\(path): \(answer)")
                }
                #expect(
                    try await (Self.rows(database, "break_glass_grants"), Self.rows(database, "rehab_therapists"), Self.rows(database, "rehab_waitlist"))
                        == before)

                // Query parameters: NUL refused before anything reads them; a reversed range is a 422.
                let auditor = APICaller(client: client, token: auditorToken)
                let planner = APICaller(client: client, token: plannerToken)
                for (caller, path) in [(auditor, "/api/v1/audit/events?subject=a%00b"), (planner, "/api/v1/reports/regional?region=A%00B")] {
                    let answer = try await caller.send(.get, path)
                    #expect(answer.status == .badRequest && answer.type == "application/problem+json", "\(path): \(answer)")
                }
                for path in [
                    "/api/v1/rehab/therapists/\(therapist)/leave?to=2000-01-01T00:00:00Z",
                    "/api/v1/rehab/therapists/\(therapist)/leave?from=2026-12-06T00:57:42Z&to=2026-12-06T00:57:29Z",
                ] {
                    let answer = try await coordinator.send(.get, path)
                    #expect(answer.status == .ok || answer.status == .unprocessableContent, "\(path): \(answer)")
                }
                let reversed = try await coordinator.send(.get, "/api/v1/rehab/therapists/\(therapist)/leave?from=2026-12-06T00:57:42Z&to=2026-12-06T00:57:29Z")
                #expect(reversed.status == .unprocessableContent && Self.field(reversed) == "to")
                let farBack = try await coordinator.send(.get, "/api/v1/rehab/therapists/\(therapist)/leave?to=0720-03-12T22:14:12Z")
                #expect(farBack.status == .unprocessableContent && Self.field(farBack) == "to")
                let dose = try await coordinator.send(.get, "/api/v1/rehab/patients/\(rehabPatient)/dose?from=2026-12-10&to=2026-12-01")
                #expect(dose.status == .unprocessableContent && Self.field(dose) == "to")
            }
        }
    }

    @Test func L4_pseudonymsHoldNoControlBidiOrZeroWidthCharactersAndCountAsTheDatabaseCounts() async throws {
        let keyFile = FileManager.default.temporaryDirectory.appendingPathComponent("key-\(UUID().uuidString).pem")
        let clinicianToken = try await Harness.token(.clinician, subject: "sec-clin", organisations: [Self.north], keyFile: keyFile)
        try await TestDatabase.with { database in
            try await database.withPool(.app) { pool in _ = try await DemoData.load(into: pool) }
            try await Harness.live(database: database.app, keyFile: keyFile) { client in
                let clinician = APICaller(client: client, token: clinicianToken)
                let patients = try await Self.rows(database, "patients")
                for pseudonym in ["SEC-\u{1b}[31mRED\u{07}", "SEC-\u{202e}1-PMED", "SEC-\u{200b}X", "SEC\tX", String(repeating: "e\u{301}", count: 64)] {
                    let answer = try await clinician.send(
                        .post, "/api/v1/patients", ["organisationId": Self.north.uuidString, "pseudonym": pseudonym, "sex": "female"])
                    #expect(answer.status == .unprocessableContent && Self.field(answer) == "pseudonym", "\(answer)")
                }
                #expect(try await Self.rows(database, "patients") == patients)
                let kept = try await clinician.send(
                    .post, "/api/v1/patients", ["organisationId": Self.north.uuidString, "pseudonym": "Åsa-Öberg 12", "sex": "female"])
                #expect(kept.status == .created)
            }
        }
    }

    @Test func M2_L2_chunkedBodiesOverTheLimitAre413AndUnsupportedMethods405() async throws {
        let keyFile = FileManager.default.temporaryDirectory.appendingPathComponent("key-\(UUID().uuidString).pem")
        let clinicianToken = try await Harness.token(.clinician, subject: "sec-clin", organisations: [Self.north], keyFile: keyFile)
        try await TestDatabase.with { database in
            try await database.withPool(.app) { pool in _ = try await DemoData.load(into: pool) }
            try await Harness.live(database: database.app, keyFile: keyFile) { client in
                let port = try #require(client.port)
                // Python's own HTTP client sends the body in chunks (no Content-Length).
                let script = """
                    import http.client, sys
                    c = http.client.HTTPConnection("127.0.0.1", \(port))
                    body = iter([b'{"pseudonym":"' + b'x' * 65536] * 32 + [b'"}'])
                    c.request("POST", sys.argv[1], body=body, headers={"Authorization": "Bearer \(clinicianToken)", "Content-Type": "application/json"}, encode_chunked=True)
                    r = c.getresponse()
                    print(r.status, r.getheader("Content-Type"))
                    """
                for path in ["/api/v1/patients", "/api/v1/acute/evaluate"] {
                    let python = try Subprocess(URL(fileURLWithPath: "/usr/bin/env"), ["python3", "-c", script, path])
                    try python.start()
                    let result = try await python.finish(timeout: .seconds(60))
                    #expect(
                        result.output.trimmingCharacters(in: .whitespacesAndNewlines) == "413 application/problem+json",
                        "\(path): \(result.output) \(result.errors)")
                }

                try await client.execute(uri: "/api/v1/patients", method: .delete, headers: [.authorization: "Bearer \(clinicianToken)"]) { response in
                    #expect(response.status == .methodNotAllowed)
                    #expect(response.headers[.allow] == "GET, HEAD, POST")
                    #expect(response.headers[.contentType] == "application/problem+json")
                }
                try await client.execute(uri: "/api/v1/rehab/leave/\(UUID().uuidString)", method: .get) { response in
                    #expect(response.status == .methodNotAllowed)
                    #expect(response.headers[.allow] == "DELETE")
                }
                try await client.execute(uri: "/api/v1/no-such-thing", method: .delete) { response in
                    #expect(response.status == .notFound)
                }
            }
        }
    }

    /// The exact requests that gave 500 under the review's fuzzing (its
    /// security-review-2026-12-fuzz-5xx.json, copied into Tests/Fixtures/security), replayed with
    /// a token of the role that sent them: none is a server error now (a range that only lacked
    /// its default start is answered, the others refused with 4xx).
    @Test func reviewFuzzRequestsAre4xx() async throws {
        let file = TestPaths.projectRoot.appendingPathComponent("Tests/Fixtures/security/review-fuzz-5xx.json")
        struct Sent: Decodable, Sendable {
            var run: String
            var method: String
            var url: String
            var body: String?
        }
        let requests = try JSONDecoder().decode([Sent].self, from: Data(contentsOf: file))
        #expect(requests.count == 7)
        let keyFile = FileManager.default.temporaryDirectory.appendingPathComponent("key-\(UUID().uuidString).pem")
        let clinic = DemoClinicFixture.clinic
        let tokens = [
            "st_admin": try await Harness.token(.admin, subject: "st-admin", organisations: [clinic], keyFile: keyFile),
            "st_coord": try await Harness.token(.rehabCoordinator, subject: "st-coord", organisations: [clinic], keyFile: keyFile),
        ]
        try await TestDatabase.with { database in
            try await database.withPool(.app) { pool in _ = try await DemoClinicFixture.load(into: pool) }
            try await Harness.live(database: database.app, keyFile: keyFile) { client in
                for request in requests {
                    let (run, url) = (request.run, request.url)
                    let method = HTTPRequest.Method(request.method) ?? .get
                    let body = request.body.map { ByteBuffer(string: $0) }
                    let status = try await client.execute(
                        uri: url, method: method, headers: [.authorization: "Bearer \(tokens[run] ?? "")", .contentType: "application/json"], body: body
                    ) { $0.status }
                    #expect(status.code < 500, "\(run) \(method) \(url): \(status)")
                }
            }
        }
    }
}
