import Foundation
import PostgresTestSupport
import Synchronization
import Testing

@testable import Postgres

@Suite struct PoolTests {
    @Test func twoHundredTasksShareFourConnectionsOneAtATime() async throws {
        let configuration = PostgresPool.Configuration(maximumConnections: 4, leaseTimeout: .seconds(60))
        try await TestDatabase.withPool(migrated: false, configuration: configuration) { pool in
            let tracker = BackendTracker()
            try await withThrowingTaskGroup(of: Int.self) { group in
                for task in 0..<200 {
                    group.addTask {
                        try await pool.withConnection { connection in
                            let pid = try await connection.query("SELECT pg_backend_pid()").single().decode(Int32.self)
                            tracker.enter(pid)
                            try await connection.query("SELECT pg_sleep(0.002)")
                            let echoed = try await connection.query("SELECT \(task)").single().decode(Int.self)
                            tracker.leave(pid)
                            return echoed
                        }
                    }
                }
                var sum = 0
                for try await echoed in group { sum += echoed }
                #expect(sum == (0..<200).reduce(0, +))
            }
            #expect(tracker.overlaps == 0)
            #expect(tracker.distinctBackends <= 4)
            #expect(pool.statistics.open <= 4)
        }
    }

    @Test(.timeLimit(.minutes(10))) func terminatedBackendIsReplaced() async throws {
        try await TestDatabase.with(migrated: false) { database in
            try await database.withPool(.app, configuration: .init(maximumConnections: 1)) { pool in
                let first = try await pool.query("SELECT pg_backend_pid()").single().decode(Int32.self)
                try await database.withPool(.superuser) { admin in
                    try await admin.query("SELECT pg_terminate_backend(\(first))")
                    // Wait for the event (the backend has gone), not for a time.
                    while try await admin.query("SELECT count(*) FROM pg_stat_activity WHERE pid = \(first)").single().decode(Int.self) > 0 {
                        try await Task.sleep(for: .milliseconds(20))
                    }
                }
                let second = try await pool.query("SELECT pg_backend_pid()").single().decode(Int32.self)
                #expect(second != first)
                #expect(pool.statistics.open == 1)
            }
        }
    }

    @Test(.timeLimit(.minutes(10))) func cancellingATaskStopsItsQuery() async throws {
        try await TestDatabase.withPool(migrated: false) { pool in
            _ = try await pool.query("SELECT 1")
            let task = Task { try await pool.query("SELECT pg_sleep(10)") }
            func running() async throws -> Int {
                try await pool.query("SELECT count(*) FROM pg_stat_activity WHERE query = 'SELECT pg_sleep(10)' AND state = 'active'")
                    .single().decode(Int.self)
            }
            // Cancel only once the query really runs on the server (an event, not a time).
            while try await running() == 0 { try await Task.sleep(for: .milliseconds(20)) }
            task.cancel()
            let result = await task.result
            // Stopped, not finished: a query that ran its 10 s would have succeeded, and the
            // server runs it no more (no time is measured: a loaded machine cannot fail this).
            #expect(try await running() == 0)
            #expect(throws: PostgresError.self) { try result.get() }
            #expect((try? result.get()) == nil)
            if case .failure(let error as PostgresError) = result {
                #expect(error.code == .queryCancelled)
            }
            // The connection is fine afterwards.
            #expect(try await pool.query("SELECT 7").single().decode(Int.self) == 7)
        }
    }

    @Test(.timeLimit(.minutes(10))) func leaseTimesOutWhenAllConnectionsAreBusy() async throws {
        let configuration = PostgresPool.Configuration(maximumConnections: 1, leaseTimeout: .milliseconds(200))
        try await TestDatabase.withPool(migrated: false, configuration: configuration) { pool in
            // The holder keeps the only connection until the test lets go: the lease below can
            // only time out, however slow the machine.
            let (held, holding) = AsyncStream.makeStream(of: Void.self)
            let (release, releasing) = AsyncStream.makeStream(of: Void.self)
            let holder = Task {
                defer { holding.finish() }
                try await pool.withConnection { _ in
                    holding.yield()
                    for await _ in release { break }
                }
            }
            for await _ in held { break }
            let error = await #expect(throws: PostgresError.self) { try await pool.query("SELECT 1") }
            #expect(error?.code == .poolTimeout)
            releasing.yield()
            _ = try await holder.value
        }
    }

    @Test func sessionStateIsResetBetweenLeases() async throws {
        try await TestDatabase.withPool(migrated: false, configuration: .init(maximumConnections: 1)) { pool in
            let pid = try await pool.withConnection { connection in
                try await connection.query("SET statement_timeout = '1234ms'")
                return try await connection.query("SELECT pg_backend_pid()").single().decode(Int32.self)
            }
            let (samePID, timeout, roleDefault) = try await pool.withConnection { connection in
                try await connection.query(
                    "SELECT pg_backend_pid(), current_setting('statement_timeout'), (SELECT reset_val FROM pg_settings WHERE name = 'statement_timeout')"
                ).single().decode((Int32, String, String).self)
            }
            #expect(samePID == pid)
            // Back to the role's own limit (ops/db sets one on the application role), not the lease's.
            #expect(timeout != "1234ms")
            #expect(try await pool.query("SELECT \(timeout)::interval = (\(roleDefault) || 'ms')::interval").single().decode(Bool.self))
        }
    }

    @Test func connectionLeftInsideATransactionIsNotReused() async throws {
        try await TestDatabase.withPool(migrated: false, configuration: .init(maximumConnections: 1)) { pool in
            let first = try await pool.withConnection { connection in
                try await connection.query("BEGIN")
                return try await connection.query("SELECT pg_backend_pid()").single().decode(Int32.self)
            }
            let second = try await pool.query("SELECT pg_backend_pid()").single().decode(Int32.self)
            #expect(first != second)
        }
    }

    @Test func connectionsIdleTooLongAreClosed() async throws {
        let configuration = PostgresPool.Configuration(maximumConnections: 2, idleTimeout: .seconds(60))
        try await TestDatabase.withPool(migrated: false, configuration: configuration) { pool in
            _ = try await pool.query("SELECT 1")
            await pool.maintain()
            #expect(pool.statistics.open == 1)
            await pool.maintain(now: .now + .seconds(61))
            #expect(pool.statistics.open == 0)
            #expect(try await pool.query("SELECT 2").single().decode(Int.self) == 2)
        }
    }

    @Test func closedPoolRefusesWork() async throws {
        try await TestDatabase.with(migrated: false) { database in
            let pool = PostgresPool(settings: database.app, logger: TestDatabase.logger)
            _ = try await pool.query("SELECT 1")
            await pool.close()
            let error = await #expect(throws: PostgresError.self) { try await pool.query("SELECT 1") }
            #expect(error?.code == .poolClosed)
        }
    }

    @Test func preparedStatementsAreReused() async throws {
        try await TestDatabase.withPool(migrated: false, configuration: .init(maximumConnections: 1)) { pool in
            for value in 1...3 {
                let echoed = try await pool.query("SELECT \(value) + 1", prepared: true).single().decode(Int.self)
                #expect(echoed == value + 1)
            }
            let prepared = try await pool.query("SELECT count(*) FROM pg_prepared_statements").single().decode(Int.self)
            #expect(prepared == 1)
        }
    }
}

/// Records which backends are in use, to catch one connection used by two tasks at once.
final class BackendTracker: Sendable {
    private struct State {
        var inUse: Set<Int32> = []
        var seen: Set<Int32> = []
        var overlaps = 0
    }

    private let state = Mutex(State())

    func enter(_ pid: Int32) {
        state.withLock { state in
            if !state.inUse.insert(pid).inserted { state.overlaps += 1 }
            state.seen.insert(pid)
        }
    }

    func leave(_ pid: Int32) {
        state.withLock { _ = $0.inUse.remove(pid) }
    }

    var overlaps: Int { state.withLock { $0.overlaps } }
    var distinctBackends: Int { state.withLock { $0.seen.count } }
}
