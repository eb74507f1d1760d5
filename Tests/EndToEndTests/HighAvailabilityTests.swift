import Clinical
import Foundation
import Postgres
import PostgresTestSupport
import Reporting
import Storage
import Testing

/// The high-availability cluster `ops/ha` runs (pg_auto_failover: a monitor, a primary and a
/// synchronous standby on this machine), which `ops/test` starts for the suite and announces
/// with `STROKEPATH_HA=1`. Each test works in a database of its own on it.
enum HACluster {
    static var available: Bool { ProcessInfo.processInfo.environment["STROKEPATH_HA"] == "1" }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// `ops/ha ARGUMENTS`, which must succeed; its standard output.
    @discardableResult
    static func run(_ arguments: [String]) async throws -> String {
        let result = try await Subprocess.run(URL(fileURLWithPath: "/bin/bash"), [TestPaths.projectRoot.appendingPathComponent("ops/ha").path] + arguments)
        guard result.status == 0 else { throw Failure(description: "ops/ha \(arguments.joined(separator: " ")): \(result.errors)") }
        return result.output.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The multi-host URL of `who` (app, owner, app-ro, owner-ro) for `database`.
    static func uri(_ who: String, database: String) async throws -> String {
        try await run(["uri", who]).replacingOccurrences(of: "/strokepath?", with: "/\(database)?")
    }

    /// A fresh database owned by the schema owner, migrated, with the demo data: its name.
    /// First waits for the cluster to have its primary and synchronous standby (a test before
    /// may have failed one over).
    static func demoDatabase() async throws -> (name: String, environment: [String: String]) {
        try await run(["wait-sync", "180"])
        let name = "ha_\(UUID().uuidString.prefix(8).lowercased())"
        try await run(["psql", "primary", "-c", "CREATE DATABASE \(name) OWNER strokepath_owner"])
        let environment = [
            "DATABASE_URL": try await uri("app", database: name), "DATABASE_OWNER_URL": try await uri("owner", database: name),
            "LOG_LEVEL": "warning", "STROKEPATH_SQL_DIR": TestPaths.projectRoot.appendingPathComponent("SQL").path,
        ]
        for command in [["migrate"], ["seed", "--demo"]] {
            let result = try await Subprocess.run(Subprocess.strokepath, command, environment: environment)
            guard result.status == 0 else {
                await drop(name)
                throw Failure(description: "strokepath \(command.joined(separator: " ")): \(result.errors)")
            }
        }
        return (name, environment)
    }

    /// Runs `test` in a fresh demo database, dropped afterwards whatever happens.
    static func withDemoDatabase(_ test: (_ name: String, _ environment: [String: String]) async throws -> Void) async throws {
        let (name, environment) = try await demoDatabase()
        do {
            try await test(name, environment)
        } catch {
            await drop(name)
            throw error
        }
        await drop(name)
    }

    static func drop(_ database: String) async {
        _ = try? await run(["psql", "primary", "-c", "DROP DATABASE IF EXISTS \(database) WITH (FORCE)"])
    }
}

/// Reports read from the hot standby, and a failover the manager runs under the service's writes.
@Suite(.serialized, .enabled(if: HACluster.available, "needs the cluster of ops/ha (ops/test starts it)"))
struct HighAvailabilityTests {
    @Test func aReportReadFromTheStandbyEqualsThePrimarysAndSaysHowFarBehindItIs() async throws {
        try await HACluster.withDemoDatabase { database, _ in try await replicaReport(database) }
    }

    func replicaReport(_ database: String) async throws {
        let primary = PostgresConnectionSettings(connectionString: try await HACluster.uri("app", database: database))
        let standby = PostgresConnectionSettings(
            connectionString: try await HACluster.uri("app", database: database).replacingOccurrences(of: "read-write", with: "standby"))
        try await PostgresPool.withPool(settings: primary, logger: TestDatabase.logger) { primaryPool in
            try await PostgresPool.withPool(settings: standby, logger: TestDatabase.logger) { standbyPool in
                #expect(try await standbyPool.query("SELECT pg_is_in_recovery()").single().decode(Bool.self), "a standby")
                // The standby has replayed everything the primary wrote (the demo and its report cells).
                let written = try await primaryPool.query("SELECT pg_current_wal_lsn()::text").single().decode(String.self)
                var replayed = false
                for _ in 0..<600 where !replayed {
                    replayed = try await standbyPool.query("SELECT pg_last_wal_replay_lsn() >= \(written)::pg_lsn").single().decode(Bool.self)
                    if !replayed { try await Task.sleep(for: .milliseconds(100)) }
                }
                try #require(replayed, "the standby replays the primary's writes (a minute's wait at most: not a hang)")
                let region = try await primaryPool.withAccess(AccessContext(subject: "t", role: "planner", organisations: [])) { connection in
                    try await connection.query("SELECT id FROM organisations WHERE code = 'SYN2026-R01'").single().decode(UUID.self)
                }
                let planner = AccessContext(subject: "planner-ha", role: "planner", organisations: [region])
                let catalogue = try ReportFixture.catalogue()
                let rehab = try ReportFixture.rehabCatalogue()
                let query = ReportQuery(period: .year, rows: .hospital)
                let fromPrimary = try await RegionalReports(pool: primaryPool, catalogue: catalogue, rehab: rehab).report(query, as: planner)
                let fromStandby = try await RegionalReports(pool: primaryPool, replica: standbyPool, catalogue: catalogue, rehab: rehab)
                    .report(query, as: planner)
                #expect(fromPrimary.replicaLagSeconds == nil)
                #expect(fromStandby.replicaLagSeconds == 0, "caught up")
                #expect(fromStandby.notes.contains { $0.text.contains("standby copy") })
                #expect(
                    fromStandby.tables == fromPrimary.tables && !fromStandby.tables.isEmpty,
                    "the same figures, the same withheld cells; differing: \(Self.differing(fromStandby.tables, fromPrimary.tables))")
                #expect(fromStandby.asOf == fromPrimary.asOf)

                // The replica away: the report comes from the primary.
                let away = PostgresConnectionSettings(connectionString: "postgresql://strokepath_app@127.0.0.1:1/\(database)?connect_timeout=2")
                try await PostgresPool.withPool(settings: away, logger: TestDatabase.logger) { awayPool in
                    let fallback = try await RegionalReports(pool: primaryPool, replica: awayPool, catalogue: catalogue, rehab: rehab)
                        .report(query, as: planner)
                    #expect(fallback.replicaLagSeconds == nil)
                    #expect(fallback.tables == fromPrimary.tables, "differing: \(Self.differing(fallback.tables, fromPrimary.tables))")
                }
            }
        }
    }

    /// The tables of two reports that differ, each with its first differing row total.
    static func differing(_ one: [IndicatorTable], _ other: [IndicatorTable]) -> [String] {
        zip(one, other).filter { $0 != $1 }.map { a, b in
            let row = zip(a.rowTotals, b.rowTotals).first { $0 != $1 }.map { "\($0) vs \($1)" } ?? "cells or funnel"
            return "\(a.indicator.id): \(row)"
        } + (one.count == other.count ? [] : ["\(one.count) vs \(other.count) tables"])
    }

    @Test func thePrimaryLostUnderWritesFailsOverWithNothingAcknowledgedLostAndTheOldPrimaryComesBackAStandby() async throws {
        try await HACluster.withDemoDatabase { database, environment in try await failover(database, environment) }
    }

    func failover(_ database: String, _ environment: [String: String]) async throws {
        let key = FileManager.default.temporaryDirectory.appendingPathComponent("key-\(UUID().uuidString).pem")
        let spool = FileManager.default.temporaryDirectory.appendingPathComponent("spool-\(UUID().uuidString)")
        var serving = environment
        serving["STROKEPATH_DEV_KEY"] = key.path
        serving["STROKEPATH_SPOOL_DIR"] = spool.path
        serving["STROKEPATH_RATE_PER_USER"] = "1000"
        let issued = try await Subprocess.run(
            Subprocess.strokepath, ["token", "issue", "--role", "clinician", "--org", "5e1d0000-0000-4000-8000-000000000002", "--ttl", "10m"],
            environment: serving)
        let token = issued.output.trimmingCharacters(in: .whitespacesAndNewlines)
        let port = try FreePort.take()
        let server = try Subprocess(Subprocess.strokepath, ["serve", "--port", "\(port)"], environment: serving)
        try server.start()
        defer {
            kill(server.process.processIdentifier, SIGTERM)
            try? FileManager.default.removeItem(at: spool)
            try? FileManager.default.removeItem(at: key)
        }
        #expect(try await ServiceInstanceTests.ready(server, port: port))
        let evaluation = try String(contentsOf: TestPaths.projectRoot.appendingPathComponent("Tests/Fixtures/acute/one-presentation.json"), encoding: .utf8)

        var acknowledged: [String] = []
        var statuses: [Int: Int] = [:]
        var storedAfterKill = 0
        var killed: String?
        // Writes every 50 ms: 20 before the kill, then until 20 reach the new primary (a safety cap of 2,400).
        for _ in 0..<2_400 where storedAfterKill < 20 {
            let answer = try LoopbackHTTP.send(port: port, "POST", "/api/v1/acute/evaluate", token: token, json: evaluation)
            statuses[answer.status, default: 0] += 1
            if answer.status == 201, let id = answer.json["evaluation_id"] as? String {
                acknowledged.append(id)
                if killed != nil && answer.json["stored"] as? String == "database" { storedAfterKill += 1 }
            }
            // The primary's machine is lost (its keeper and postmaster SIGKILLed): the monitor promotes the standby.
            if killed == nil && acknowledged.count == 20 { killed = try await HACluster.run(["kill-primary", "--node-loss"]) }
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(storedAfterKill == 20, "writes reach the promoted standby: \(statuses)")
        #expect(Set(statuses.keys).isSubset(of: [201, 503]), "while no primary answers: 503 or the spool, never a 500 or a hang: \(statuses)")

        // Everything acknowledged is on the new primary (the spool drained into it).
        // (A safety cap of ten minutes, so a spool that never drains fails rather than hangs.)
        func spooled() -> Bool {
            ((try? FileManager.default.contentsOfDirectory(atPath: spool.path)) ?? []).contains { $0.hasSuffix(".json") }
        }
        for _ in 0..<3_000 where spooled() {
            try await Task.sleep(for: .milliseconds(200))
        }
        #expect(!spooled(), "the spool drained")
        let superuser = PostgresConnectionSettings(
            connectionString: try await HACluster.uri("app", database: database).replacingOccurrences(of: "strokepath_app@", with: "postgres@"))
        let found = try await PostgresPool.withPool(settings: superuser, logger: TestDatabase.logger) { pool in
            try await pool.query("SELECT id::text FROM acute_evaluations").map { try $0.decode(String.self) }
        }
        #expect(Set(acknowledged.map { $0.lowercased() }).isSubset(of: Set(found)), "acknowledged \(acknowledged.count), found \(found.count)")

        // The old primary, started again, rejoins as a standby and takes no writes.
        let old = try #require(killed)
        try await HACluster.run(["node-start", old])
        try await HACluster.run(["wait-sync", "180"])
        let readOnly = try await HACluster.run(["psql", old, "-d", database, "-At", "-c", "SELECT pg_is_in_recovery()"])
        #expect(readOnly == "t", "\(old) is a standby now")
        await #expect(throws: HACluster.Failure.self, "and refuses writes") {
            try await HACluster.run(["psql", old, "-d", database, "-c", "CREATE TABLE fenced (x int)"])
        }
    }
}
