import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Postgres
import PostgresTestSupport
import Prometheus
import Seed
import Storage
import Testing

@testable import Server

/// `/metrics` as a monitoring system reads it: named by Prometheus's conventions (checked by
/// Prometheus's own `promtool`), and telling what an operator watches — requests by route,
/// waits for the database, the acute spool, jobs waiting and run, audit rows not yet sealed.
@Suite struct MetricsTests {
    @Test(.timeLimit(.minutes(10))) func metricsFollowPrometheusConventionsAndShowTheBacklog() async throws {
        let keyFile = FileManager.default.temporaryDirectory.appendingPathComponent("key-\(UUID().uuidString).pem")
        let north = DemoData.organisations[1].id
        let clinician = try await Harness.token(.clinician, subject: "dr-n", organisations: [north], keyFile: keyFile)
        let admin = try await Harness.token(.admin, subject: "admin", organisations: [north], keyFile: keyFile)
        try await TestDatabase.with { database in
            try await database.withPool(.app) { pool in _ = try await DemoData.load(into: pool) }
            var configuration = Harness.configuration(database: database.app)
            configuration.authentication = .development(keyFile: keyFile)
            // Audit rows stay unsealed during the test (the sealer first runs after its interval), and the backlog is read often.
            configuration.auditSealInterval = .seconds(3600)
            configuration.backlogInterval = .milliseconds(100)
            // Its own registry: no other test's server writes into what this one reads.
            let app = try await buildApplication(configuration: configuration, logger: TestDatabase.logger, metrics: PrometheusCollectorRegistry())
            try await app.test(.live) { client in
                let clinicianAPI = APICaller(client: client, token: clinician)
                #expect(try await clinicianAPI.send(.get, "/api/v1/patients").status == .ok)
                // A job that waits: a weekly solve queued five minutes ago, due in an hour.
                try await database.withPool(.superuser) { owner in
                    try await owner.query(
                        """
                        INSERT INTO jobs (kind, target_id, parameters, acting_subject, acting_role, acting_organisations, max_attempts,
                                          statement_timeout_ms, run_after, created_at)
                        VALUES ('plan_solve', gen_random_uuid(), '{}', 'coordinator', 'rehab_coordinator', ARRAY[\(north)]::uuid[], 1, 1000,
                                now() + interval '1 hour', now() - interval '5 minutes')
                        """)
                }
                // A job that runs: a report refresh.
                _ = try await ReportsPageTests.refreshed(APICaller(client: client, token: admin), "/api/v1/reports/refresh")

                var text = ""
                let expected = [
                    #"strokepath_jobs_queued{kind="plan_solve"} 1"#, #"strokepath_jobs_queued{kind="report_refresh"} 0"#,
                    #"strokepath_job_run_duration_seconds_count{kind="report_refresh",outcome="done"} 1"#,
                ]
                while !expected.allSatisfy(text.contains) {
                    text = try await client.execute(uri: "/metrics", method: .get) { response in
                        #expect(response.status == .ok)
                        #expect(response.headers[.contentType] == "text/plain; version=0.0.4; charset=utf-8")
                        return response.text
                    }
                    try await Task.sleep(for: .milliseconds(50))
                }
                let values = Self.values(text)
                #expect(values[#"strokepath_jobs_oldest_queued_age_seconds{kind="plan_solve"}"#] == 0, "a job not due yet is not waiting")
                #expect((values["strokepath_audit_unsealed_rows"] ?? 0) >= 1, "the patient list's audit row waits for the sealer")
                #expect(values[#"strokepath_http_requests_total{method="GET",route="/api/v1/patients",status="200"}"#] == 1)
                #expect(values[#"strokepath_http_request_duration_seconds_count{method="GET",route="/api/v1/patients"}"#] == 1)
                #expect((values[#"strokepath_db_pool_wait_seconds_count{pool="primary"}"#] ?? 0) >= 1)
                #expect(values[#"strokepath_db_pool_connections{pool="primary",state="waiting"}"#] == 0)
                #expect(values[#"strokepath_db_pool_max_connections{pool="primary"}"#] == 10)
                #expect(values["strokepath_acute_spool_evaluations"] == 0)
                #expect(values[#"strokepath_build_info{version="\#(StrokePathVersion.current)"}"#] == 1)
                #expect((values["strokepath_backlog_sampled_timestamp_seconds"] ?? 0) > 1_700_000_000)
                #expect(!text.contains("hb_"), "one name for each thing: the framework's own request metrics are not served")

                let check = try await Self.promtool(text)
                #expect(check.status == 0 && check.output.isEmpty && check.errors.isEmpty, "promtool: \(check.output) \(check.errors)")
            }
        }
    }

    /// Each sample line's series (name and labels) and value.
    static func values(_ text: String) -> [String: Double] {
        var values: [String: Double] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            guard let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) else { continue }
            values[String(line[..<space])] = value
        }
        return values
    }

    /// Prometheus's own linter on the exposition text.
    static func promtool(_ text: String) async throws -> Subprocess.Result {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("metrics-\(UUID().uuidString).txt")
        try Data(text.utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        return try await Subprocess.run(URL(fileURLWithPath: "/bin/sh"), ["-c", "promtool check metrics < \"$0\"", file.path])
    }
}
