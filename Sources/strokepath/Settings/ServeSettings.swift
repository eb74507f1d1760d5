import Foundation
import Logging
import ProtocolLibrary
import Server
import Storage

/// What `strokepath serve` runs with, read from the effective settings (the environment, over
/// the settings file, over the defaults), with every problem found rather than the first:
/// `serve` refuses to start on any, `config check` lists them all.
struct ServeSettings {
    /// The service's configuration; nil when there are problems.
    private(set) var configuration: ServerConfiguration?
    let database: DatabaseEnvironment
    private(set) var protocols: ProtocolLibrary?
    private(set) var problems: [String] = []

    init(_ environment: [String: String], host: String? = nil, port: Int? = nil) {
        database = DatabaseEnvironment(environment: environment)
        let value = { (name: String) in environment[name].flatMap { $0.isEmpty ? nil : $0 } }
        if let level = value("LOG_LEVEL"), Logger.Level(rawValue: level) == nil {
            problems.append("LOG_LEVEL must be one of \(Logger.Level.allCases.map(\.rawValue).joined(separator: ", ")), not \(level)")
        }
        if let format = value("LOG_FORMAT"), !["json", "text"].contains(format) {
            problems.append("LOG_FORMAT must be json or text, not \(format)")
        }
        let port = port ?? attempt { try value("PORT").map(Self.parsePort) } ?? 8080
        let rateLimit = attempt { try Self.rateLimit(value) }
        let lease = attempt { try value("STROKEPATH_JOB_LEASE_SECONDS").map(Self.parseLease) } ?? 30
        let migrations = attempt { try ResourceLocator.migrations(environment: environment) }
        protocols = attempt { try ResourceLocator.protocols(environment: environment) }
        let authentication = attempt { try AuthenticationEnvironment.settings(environment) }
        if let authentication, !authentication.isDevelopment,
            let violation = DatabaseTLSPolicy.violation(in: database.application) ?? database.replica.flatMap(DatabaseTLSPolicy.violation)
        {
            problems.append(InsecureDatabaseConnection(reason: violation).description)
        }
        let zone = value("STROKEPATH_TIME_ZONE").flatMap { name in
            TimeZone(identifier: name)
                ?? {
                    problems.append("STROKEPATH_TIME_ZONE must be a time zone name such as Europe/Stockholm, not \(name)")
                    return nil
                }()
        }
        guard problems.isEmpty, let rateLimit, let migrations, let protocols, let authentication else { return }
        configuration = ServerConfiguration(
            host: host ?? value("HOST") ?? "127.0.0.1",
            port: port,
            database: database.application,
            replica: database.replica,
            migrationsDirectory: migrations,
            authentication: authentication,
            rateLimit: rateLimit,
            protocolsDirectory: protocols.directory,
            spoolDirectory: URL(fileURLWithPath: value("STROKEPATH_SPOOL_DIR") ?? ".local/spool/acute"),
            exportDirectory: URL(fileURLWithPath: value("STROKEPATH_EXPORT_DIR") ?? ".local/exports"),
            trustedProxies: Set(
                (value("STROKEPATH_TRUSTED_PROXIES") ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
                    .filter { !$0.isEmpty }),
            jobLease: .seconds(lease)
        )
        configuration?.timeZone = zone
        configuration?.publicURL = value("STROKEPATH_PUBLIC_URL").flatMap { URL(string: $0) }
    }

    /// The configuration and the migrations folder it names, or every problem as one error.
    func checked() throws -> (configuration: ServerConfiguration, migrations: URL) {
        guard let configuration, let migrations = configuration.migrationsDirectory else { throw ConfigurationError(problems.joined(separator: "\n")) }
        return (configuration, migrations)
    }

    private mutating func attempt<Value>(_ read: () throws -> Value?) -> Value? {
        do {
            return try read()
        } catch {
            problems.append("\(error)")
            return nil
        }
    }

    /// `STROKEPATH_RATE_PER_USER` requests a second per user (default 20) and `STROKEPATH_RATE_BURST` (default twice that).
    private static func rateLimit(_ value: (String) -> String?) throws -> (perSecond: Double, burst: Int) {
        let perSecond =
            try value("STROKEPATH_RATE_PER_USER").map { text in
                guard let rate = Int(text), (1...100_000).contains(rate) else {
                    throw ConfigurationError("STROKEPATH_RATE_PER_USER must be a number of requests a second from 1 to 100000, not \(text)")
                }
                return rate
            } ?? 20
        let burst =
            try value("STROKEPATH_RATE_BURST").map { text in
                guard let burst = Int(text), (1...1_000_000).contains(burst) else {
                    throw ConfigurationError("STROKEPATH_RATE_BURST must be a number of requests from 1 to 1000000, not \(text)")
                }
                return burst
            } ?? 2 * perSecond
        return (Double(perSecond), burst)
    }

    private static func parseLease(_ text: String) throws -> Int {
        guard let seconds = Int(text), (3...600).contains(seconds) else {
            throw ConfigurationError("STROKEPATH_JOB_LEASE_SECONDS must be a number of seconds from 3 to 600, not \(text)")
        }
        return seconds
    }

    private static func parsePort(_ text: String) throws -> Int {
        guard let port = Int(text), (0...65535).contains(port) else {
            throw ConfigurationError("PORT must be a number from 0 to 65535, not \(text)")
        }
        return port
    }
}

/// In production (an identity provider or a JWKS configured) the database must be reached over verified TLS.
struct InsecureDatabaseConnection: Error, CustomStringConvertible {
    let reason: String
    var description: String { "refusing to serve patient data over an unverified database connection: \(reason)" }
}
