import ArgumentParser
import Logging
import Postgres
import Storage

/// `strokepath audit verify|seal`: the audit log's hash chain.
struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Check or seal the audit log's hash chain.",
        subcommands: [Verify.self, Seal.self]
    )

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Recompute the chain; report the first broken link and rows not yet sealed.",
            discussion:
                "Connects as the schema owner. Exits 1 if the chain is broken. Keep the printed head hash outside the database to detect removal of the newest rows."
        )

        func run() async throws {
            let logger = Console.bootstrapLogging()
            let report = try await PostgresPool.withPool(
                settings: DatabaseEnvironment().owner, configuration: .init(maximumConnections: 1), logger: logger
            ) { pool in
                try await AuditLog.verify(pool)
            }
            Console.line("checked: \(report.checked) sealed rows")
            Console.line("unsealed: \(report.unsealed) rows")
            Console.line("head: position \(report.headPosition) hash \(report.headHash ?? "none")")
            if let broken = report.firstBreak {
                Console.line("BROKEN at \(broken)")
                throw ExitCode.failure
            }
            Console.line("chain intact")
        }
    }

    struct Seal: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Seal committed rows into the chain now (the service also does this continually)."
        )

        func run() async throws {
            let logger = Console.bootstrapLogging()
            let sealed = try await PostgresPool.withPool(
                settings: DatabaseEnvironment().application, configuration: .init(maximumConnections: 1), logger: logger
            ) { pool in
                try await AuditLog.seal(pool)
            }
            Console.line("sealed: \(sealed) rows")
        }
    }
}
