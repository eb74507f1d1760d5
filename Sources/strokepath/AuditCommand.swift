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
                "Connects as the schema owner. Exits 1 if the chain is broken. Keep the printed head outside the database and give it back with --head: then removing the newest rows, or rebuilding the chain, is found too."
        )

        @Option(
            help: ArgumentHelp(
                "A head printed before (POSITION:HASH, as after \"head: position\"): the chain must still hold that row there.",
                valueName: "position:hash"))
        var head: String?

        func validate() throws {
            if let head, Self.anchor(head) == nil {
                throw ValidationError("--head must be a chain position and its hash as printed, POSITION:HASH (64 hex digits), not \(head)")
            }
        }

        static func anchor(_ text: String) -> AuditLog.Anchor? {
            let parts = text.split(separator: ":")
            guard parts.count == 2, let position = Int(parts[0]), position > 0, parts[1].count == 64, parts[1].allSatisfy(\.isHexDigit) else {
                return nil
            }
            return AuditLog.Anchor(position: position, hash: parts[1].lowercased())
        }

        func run() async throws {
            let logger = Console.bootstrapLogging()
            let anchor = head.flatMap(Self.anchor)
            let report = try await PostgresPool.withPool(
                settings: DatabaseEnvironment().owner, configuration: .init(maximumConnections: 1), logger: logger
            ) { pool in
                try await AuditLog.verify(pool, anchor: anchor)
            }
            Console.line("checked: \(report.checked) sealed rows")
            Console.line("unsealed: \(report.unsealed) rows")
            Console.line(
                "head: position \(report.headPosition) hash \(report.headHash ?? "none")"
                    + (report.headHash.map { " (as --head: \(report.headPosition):\($0))" } ?? ""))
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
