import Foundation
import Postgres
import PostgresTestSupport
import Synchronization
import Testing

@Suite struct TransactionAndCopyTests {
    @Test func transactionCommitsOrRollsBack() async throws {
        try await TestDatabase.withPool(migrated: false, .superuser) { pool in
            try await pool.query("CREATE TABLE t (n int)")
            try await pool.withTransaction { connection in
                try await connection.query("INSERT INTO t VALUES (1)")
            }
            struct Refused: Error {}
            await #expect(throws: Refused.self) {
                try await pool.withTransaction { connection in
                    try await connection.query("INSERT INTO t VALUES (2)")
                    throw Refused()
                }
            }
            #expect(try await pool.query("SELECT n FROM t").decode(Int.self) == [1])
        }
    }

    /// Two serialisable transactions that each read what the other writes: one must fail
    /// with 40001 and is run again, so both commit in the end.
    @Test func serialisationFailuresAreRetried() async throws {
        try await TestDatabase.withPool(migrated: false, .superuser) { pool in
            try await pool.query("CREATE TABLE duty (doctor text, on_call bool)")
            try await pool.query("INSERT INTO duty VALUES ('a', true), ('b', true)")
            let attempts = Counter()
            let bothRead = Barrier(parties: 2)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for doctor in ["a", "b"] {
                    group.addTask {
                        try await pool.withTransaction(level: .serializable) { connection in
                            let attempt = attempts.increment()
                            _ = try await connection.query("SELECT count(*) FROM duty WHERE on_call")
                            if attempt <= 2 { await bothRead.arrive() }
                            try await connection.query("UPDATE duty SET on_call = false WHERE doctor = \(doctor)")
                        }
                    }
                }
                try await group.waitForAll()
            }
            #expect(attempts.value >= 3)
            #expect(try await pool.query("SELECT count(*) FROM duty WHERE on_call").single().decode(Int.self) == 0)
        }
    }

    @Test func copyLoadsRowsAndAbortsCleanly() async throws {
        try await TestDatabase.withPool(migrated: false, .superuser) { pool in
            try await pool.query("CREATE TABLE measurements (day int, score int, note text)")
            let copied = try await pool.withConnection { connection in
                try await connection.copyFrom("COPY measurements (day, score, note) FROM STDIN") { writer in
                    for day in 0..<1000 {
                        try await writer.write(Array("\(day)\t\(day % 67)\tÄrm \(day)\n".utf8))
                    }
                }
            }
            #expect(copied == 1000)
            struct Stop: Error {}
            await #expect(throws: Stop.self) {
                try await pool.withConnection { connection in
                    try await connection.copyFrom("COPY measurements (day, score, note) FROM STDIN") { writer in
                        try await writer.write(Array("5000\t1\tx\n".utf8))
                        throw Stop()
                    }
                }
            }
            let (count, note) = try await pool.query("SELECT count(*), max(note) FROM measurements WHERE day = 999 OR day = 5000")
                .single().decode((Int, String).self)
            #expect(count == 1)
            #expect(note == "Ärm 999")
        }
    }
}

/// Lets `parties` tasks wait until all have arrived.
actor Barrier {
    private let parties: Int
    private var waiting: [CheckedContinuation<Void, Never>] = []

    init(parties: Int) { self.parties = parties }

    func arrive() async {
        if waiting.count + 1 == parties {
            for continuation in waiting { continuation.resume() }
            waiting = []
            return
        }
        await withCheckedContinuation { waiting.append($0) }
    }
}

/// A counter shared by concurrent tasks.
final class Counter: Sendable {
    private let count = Mutex(0)

    /// Adds one and returns the new count.
    func increment() -> Int {
        count.withLock {
            $0 += 1
            return $0
        }
    }

    var value: Int { count.withLock { $0 } }
}
