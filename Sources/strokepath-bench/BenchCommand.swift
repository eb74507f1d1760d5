import ArgumentParser
import Clinical
import Foundation
import Logging
import Postgres

/// Load generators for `ops/bench`: they print figures, they assert nothing.
@main
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "strokepath-bench",
        abstract: "Measures the service (run through ops/bench/*).",
        subcommands: [
            SelectBench.self, CopyBench.self, AuthBenchServer.self, AcuteBench.self, PacedLoad.self, RecoveryBench.self, ReportBench.self, ReleaseBench.self,
        ]
    )
}

/// The same single-row SELECT that ops/bench/db gives pgbench, through our pool.
struct SelectBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "select",
        abstract: "Parameterised single-row SELECTs from N concurrent clients; prints transactions per second."
    )

    @Option(help: "Concurrent clients (and pool size).") var clients = 1
    @Option(help: "Seconds to measure, after one second of warm-up.") var seconds = 10.0
    @Option(help: "Rows in bench_items to pick from.") var rows = 100_000
    @Flag(help: "Use prepared statements (compare with pgbench -M prepared).") var prepared = false
    @Flag(help: "Lease a connection for every query instead of once per client, as pgbench holds one.")
    var leasePerQuery = false

    func run() async throws {
        let pool = PostgresPool(
            settings: PostgresConnectionSettings(),
            configuration: .init(maximumConnections: clients),
            logger: Logger(label: "bench")
        )
        _ = try await measure(pool, seconds: 1)
        let count = try await measure(pool, seconds: seconds)
        await pool.close()
        report(String(format: "tps: %.0f", Double(count) / seconds))
    }

    /// Runs SELECTs from `clients` tasks for `seconds`; returns how many completed.
    private func measure(_ pool: PostgresPool, seconds: Double) async throws -> Int {
        let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
        let rows = rows
        let prepared = prepared
        let leasePerQuery = leasePerQuery
        return try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<clients {
                group.addTask {
                    var random = SeededRandom(seed: UInt64.random(in: 0...UInt64.max))
                    if leasePerQuery {
                        var done = 0
                        while ContinuousClock.now < deadline {
                            try await Self.select(rows: rows, prepared: prepared, random: &random) { try await pool.query($0, prepared: $1) }
                            done += 1
                        }
                        return done
                    }
                    return try await pool.withConnection { connection in
                        var done = 0
                        while ContinuousClock.now < deadline {
                            try await Self.select(rows: rows, prepared: prepared, random: &random) { try await connection.query($0, prepared: $1) }
                            done += 1
                        }
                        return done
                    }
                }
            }
            return try await group.reduce(0, +)
        }
    }

    private static func select(
        rows: Int, prepared: Bool, random: inout SeededRandom, _ run: (PostgresQuery, Bool) async throws -> PostgresRows
    ) async throws {
        let id = Int.random(in: 1...rows, using: &random)
        let row = try await run("SELECT id, name FROM bench_items WHERE id = \(id)", prepared).single()
        _ = try row.decode((Int, String).self)
    }
}

/// COPY of a file into bench_copy through our API, as `psql \copy` does it.
struct CopyBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "copy",
        abstract: "COPY a tab-separated file into bench_copy; prints rows and seconds."
    )

    @Argument(help: "The tab-separated file.") var file: String

    func run() async throws {
        guard let handle = FileHandle(forReadingAtPath: file) else {
            throw ValidationError("cannot open \(file)")
        }
        let pool = PostgresPool(settings: PostgresConnectionSettings(), logger: Logger(label: "bench"))
        let started = ContinuousClock.now
        let copied = try await pool.withConnection { connection in
            try await connection.copyFrom("COPY bench_copy (id, patient, score, note) FROM STDIN") { writer in
                while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
                    try await writer.write([UInt8](chunk))
                }
            }
        }
        let elapsed = ContinuousClock.now - started
        await pool.close()
        let secondsTaken = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        report(String(format: "rows: %d seconds: %.3f", copied, secondsTaken))
    }
}

/// Writes one line of figures to standard output.
func report(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}
