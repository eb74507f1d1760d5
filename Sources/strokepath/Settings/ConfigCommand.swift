import ArgumentParser
import Foundation
import ProtocolLibrary
import Server

/// `strokepath config`: the settings the service runs with.
struct ConfigCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config",
        abstract: "The service's settings: the environment, over the settings file, over the defaults.",
        subcommands: [ConfigCheckCommand.self]
    )
}

/// `strokepath config check`: checks the settings `serve` would start with and prints each
/// effective one, where it came from and, for a secret, only that it is set.
struct ConfigCheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check the settings serve would start with and print them, secrets masked.",
        discussion: """
            Reads what serve reads — the environment, then the settings file (STROKEPATH_CONFIG, \
            else /etc/strokepath/strokepath.env if it exists), then the defaults — and checks every \
            setting: values, the identity provider's settings and client secret, TLS to the database \
            when staff sign in through a provider, the SQL and Protocols folders (the clinical \
            protocols are loaded and checked). It does not connect to the database or the provider. \
            Exits 1 listing every problem, 0 when serve would start.
            """
    )

    /// Environment variables of the ops scripts, not of the service: no warning for them.
    private static let opsVariables = [
        "STROKEPATH_PG_", "STROKEPATH_IDP_", "STROKEPATH_BACKUP_", "STROKEPATH_TEST_", "STROKEPATH_HA", "STROKEPATH_BIN", "STROKEPATH_OTEL_BINARY",
        "STROKEPATH_CONFIG",
    ]

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        let path = SettingsFile.locate(environment)
        let file = try path.map { try SettingsFile(path: $0) }
        let settings = ServeSettings(environment)
        var problems = settings.problems
        if let protocols = settings.protocols {
            // The service starts with both: the protocols, and their Swedish statements (docs/clinical-safety.md T8).
            do {
                _ = try protocols.loadAll()
                _ = try protocols.loadAll(language: "sv")
            } catch { problems.append("\(error)") }
        }

        Console.line("settings: the environment, then \(path ?? "no settings file (\(SettingsFile.installedPath) is not there)"), then the defaults")
        // The file's values are in the environment already (under it), libpq's among them.
        let libpq = environment.keys.filter(Setting.libpq.contains).sorted().compactMap(Setting.named)
        let listed = Setting.all + libpq
        let width = listed.map(\.name.count).max() ?? 0
        for setting in listed {
            let name = setting.name.padding(toLength: width, withPad: " ", startingAt: 0)
            if let value = environment[setting.name], !value.isEmpty {
                let source = file?.values[setting.name] == value ? "file" : "environment"
                Console.line("  \(name)  \(setting.shown(value))  [\(source)]")
            } else {
                Console.line("  \(name)  (\(setting.fallback))  [default]")
            }
        }
        if let file, file.values.keys.contains(where: { $0.hasPrefix("DATABASE_") && environment[$0] != file.values[$0] }) {
            Console.line("note: the environment says where the database is, so the file's DATABASE_… settings are not used")
        }
        let unknown = environment.keys.filter { name in
            name.hasPrefix("STROKEPATH_") && Setting.named(name) == nil && !Self.opsVariables.contains(where: name.hasPrefix)
        }
        for name in unknown.sorted() {
            Console.line("warning: \(name) is set in the environment but is not a setting (misspelt?)")
        }
        guard problems.isEmpty else {
            Console.line("\(problems.count) problem\(problems.count == 1 ? "" : "s"): serve would not start")
            for problem in problems { Console.line("  - \(problem)") }
            throw ExitCode(1)
        }
        let mode =
            switch settings.configuration?.authentication.keys {
            case .provider(let provider)?: "staff sign in through \(provider.issuer.absoluteString)"
            case .jwks(let file)?: "API tokens of \(settings.configuration?.authentication.issuer ?? "") checked against \(file.path)"
            default: "DEVELOPMENT: tokens signed with the local development key, never for patient data"
            }
        Console.line("sign-in: \(mode)")
        Console.line("valid: serve would start with these settings")
    }
}
