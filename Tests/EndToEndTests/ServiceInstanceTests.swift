import Foundation
import Postgres
import PostgresTestSupport
import Rehabilitation
import Storage
import Testing

/// The service as several processes on one database: a plan survives its server being killed
/// while it solves, and two instances share the work without doing any twice.
@Suite struct ServiceInstanceTests {
    /// A `strokepath serve` on a free port with a short job lease (3 s), sharing `key` and the database.
    static func serve(_ database: TestDatabase, key: URL) throws -> (server: Subprocess, port: Int) {
        let port = try FreePort.take()
        var environment = CommandLineTests.environment(database)
        environment["STROKEPATH_JOB_LEASE_SECONDS"] = "3"
        environment["STROKEPATH_DEV_KEY"] = key.path
        environment["STROKEPATH_SPOOL_DIR"] = FileManager.default.temporaryDirectory.appendingPathComponent("spool-\(UUID().uuidString)").path
        let server = try Subprocess(Subprocess.strokepath, ["serve", "--port", "\(port)"], environment: environment)
        try server.start()
        return (server, port)
    }

    /// Waits until the server answers ready (or has stopped).
    static func ready(_ server: Subprocess, port: Int) async throws -> Bool {
        while server.process.isRunning {
            if (try? await CommandLineTests.get("http://127.0.0.1:\(port)/health/ready")) == 200 { return true }
            try await Task.sleep(for: .milliseconds(50))
        }
        return false
    }

    /// Queues a plan of the demo week as its coordinator, as the API would.
    static func queuePlan(seconds: Int, on pool: PostgresPool) async throws -> UUID {
        let rehab = RehabClinic(pool: pool, catalogue: try DemoClinicFixture.catalogue())
        return try await rehab.planning.plan(
            clinic: DemoClinicFixture.clinic, week: DemoClinicFixture.week, seconds: seconds, replan: false, fromDay: nil,
            as: DemoClinicFixture.coordinator
        ).id
    }

    /// Polls the plan until `satisfied` (or the safety cap, so a broken service fails rather than hangs).
    static func plan(_ id: UUID, on pool: PostgresPool, until satisfied: (RehabPlan) -> Bool) async throws -> RehabPlan? {
        let rehab = RehabClinic(pool: pool, catalogue: try DemoClinicFixture.catalogue())
        for _ in 0..<3000 {
            if let plan = try await rehab.plans.plan(id, as: DemoClinicFixture.coordinator), satisfied(plan) { return plan }
            try await Task.sleep(for: .milliseconds(100))
        }
        return nil
    }

    @Test func aPlanSolvingWhenItsServerIsKilledFinishesOnTheRestartedServer() async throws {
        try await TestDatabase.with { database in
            let key = FileManager.default.temporaryDirectory.appendingPathComponent("key-\(UUID().uuidString).pem")
            try await database.withPool(.app) { pool in
                _ = try await DemoClinicFixture.load(into: pool)
                let id = try await Self.queuePlan(seconds: 6, on: pool)
                let (first, firstPort) = try Self.serve(database, key: key)
                #expect(try await Self.ready(first, port: firstPort))
                let running = try await Self.plan(id, on: pool) { $0.status == .running && $0.progress > 0 }
                #expect(running != nil, "the first server started solving")
                kill(first.process.processIdentifier, SIGKILL)
                _ = try await first.finish()
                #expect(try await Self.plan(id, on: pool) { _ in true }?.status == .running, "killed mid-solve, nobody solves it now")

                let (second, secondPort) = try Self.serve(database, key: key)
                defer { kill(second.process.processIdentifier, SIGTERM) }
                #expect(try await Self.ready(second, port: secondPort))
                let finished = try await Self.plan(id, on: pool) { !$0.status.isSolving }
                #expect(finished?.status == .done, "the restarted server took the plan over when its lease expired: \(finished?.error ?? "")")
                #expect(finished?.schedule?.isEmpty == false && finished?.score?.feasible == true)
            }
            // The plan is finished in its own transaction, and the job settled in the next: wait for that.
            let job = try await database.withPool(.owner) { owner in
                var job = try await owner.query("SELECT status, attempts FROM jobs").single().decode((String, Int).self)
                for _ in 0..<3000 where job.0 == "running" {
                    try await Task.sleep(for: .milliseconds(100))
                    job = try await owner.query("SELECT status, attempts FROM jobs").single().decode((String, Int).self)
                }
                return job
            }
            #expect(job == ("done", 2), "one job, claimed twice: once by each server")
        }
    }

    @Test func twoInstancesShareTheJobsAndTheAuditChainWithoutDoingAnythingTwice() async throws {
        try await TestDatabase.with { database in
            let key = FileManager.default.temporaryDirectory.appendingPathComponent("key-\(UUID().uuidString).pem")
            var environment = CommandLineTests.environment(database)
            environment["STROKEPATH_DEV_KEY"] = key.path
            let (a, portA) = try Self.serve(database, key: key)
            let (b, portB) = try Self.serve(database, key: key)
            defer { for server in [a, b] { kill(server.process.processIdentifier, SIGTERM) } }
            #expect(try await Self.ready(a, port: portA))
            #expect(try await Self.ready(b, port: portB))
            let issued = try await Subprocess.run(
                Subprocess.strokepath, ["token", "issue", "--role", "clinician", "--org", "5e1d0000-0000-4000-8000-000000000002", "--ttl", "10m"],
                environment: environment)
            let token = issued.output.trimmingCharacters(in: .whitespacesAndNewlines)
            let evaluation = try String(contentsOf: TestPaths.projectRoot.appendingPathComponent("Tests/Fixtures/acute/one-presentation.json"), encoding: .utf8)
            try await database.withPool(.app) { pool in
                _ = try await DemoClinicFixture.load(into: pool)
                var plans: [UUID] = []
                for round in 0..<20 {
                    if round % 5 == 0 { plans.append(try await Self.queuePlan(seconds: 1, on: pool)) }
                    for port in [portA, portB] {
                        let status = try LoopbackHTTP.status(port: port, "POST", "/api/v1/acute/evaluate", token: token, json: evaluation)
                        #expect(status == 201)
                    }
                }
                for plan in plans {
                    #expect(try await Self.plan(plan, on: pool) { !$0.status.isSolving }?.status == .done)
                }
            }
            let (jobs, attempts, workers, evaluations, audited) = try await database.withPool(.superuser) { superuser in
                try await superuser.query(
                    """
                    SELECT (SELECT count(*) FROM jobs WHERE status = 'done'), (SELECT sum(attempts) FROM jobs),
                           (SELECT count(DISTINCT lease_owner) FROM jobs), (SELECT count(*) FROM acute_evaluations),
                           (SELECT count(*) FROM audit_events WHERE resource_type = 'AcuteEvaluation' AND action = 'create')
                    """
                ).single().decode((Int, Int, Int, Int, Int).self)
            }
            #expect(jobs == 4 && attempts == 4, "each plan solved once, by one instance: \(attempts) attempts for \(jobs) jobs")
            #expect(workers == 0, "no job left held")
            #expect(evaluations == 40 && audited == 40, "every evaluation stored and audited once, whichever instance took it: \(evaluations), \(audited)")
            let sealed = try await Subprocess.run(Subprocess.strokepath, ["audit", "seal"], environment: environment)
            #expect(sealed.status == 0, "\(sealed.errors)")
            let verified = try await Subprocess.run(Subprocess.strokepath, ["audit", "verify"], environment: environment)
            #expect(verified.status == 0, "both instances' rows in one intact chain: \(verified.output)\(verified.errors)")
        }
    }
}
