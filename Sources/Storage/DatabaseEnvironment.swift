public import Foundation
public import Postgres

/// Where the database is, from the environment: `DATABASE_URL` or libpq's own `PG*`
/// variables; with neither, the local cluster of `ops/db` (loopback port 54329).
public struct DatabaseEnvironment: Sendable {
    /// The local cluster `ops/db start` runs.
    public static let localPort = "54329"
    public static let ownerRole = "strokepath_owner"
    public static let appRole = "strokepath_app"

    /// libpq variables that mean "the user has said where the database is".
    private static let libpqVariables = ["PGHOST", "PGHOSTADDR", "PGPORT", "PGDATABASE", "PGUSER", "PGSERVICE"]

    let environment: [String: String]

    /// Reads the given environment (the process's by default).
    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.environment = environment
    }

    /// How the service connects: as the application role.
    public var application: PostgresConnectionSettings {
        tuned(configured ?? local(user: Self.appRole))
    }

    /// A hot standby for reports (`DATABASE_REPLICA_URL`, connecting as the user the URL names,
    /// else as `PGUSER` like the primary, else as the application role), or nil: reports are then
    /// read from the primary.
    public var replica: PostgresConnectionSettings? {
        guard let url = environment["DATABASE_REPLICA_URL"], !url.isEmpty else { return nil }
        let settings = PostgresConnectionSettings(connectionString: url)
        return tuned(environment["PGUSER"]?.isEmpty == false ? settings : settings.defaulting("user", to: Self.appRole))
    }

    /// How migrations connect: as the schema owner.
    public var owner: PostgresConnectionSettings {
        if let url = environment["DATABASE_OWNER_URL"], !url.isEmpty {
            return tuned(PostgresConnectionSettings(connectionString: url))
        }
        return tuned((configured ?? local(user: Self.ownerRole)).setting("user", to: Self.ownerRole))
    }

    /// A short description for logs: never the password.
    public var summary: String {
        if environment["DATABASE_URL"].map({ !$0.isEmpty }) == true { return "DATABASE_URL" }
        if configured != nil { return "libpq PG* variables" }
        return "local cluster on 127.0.0.1:\(Self.localPort)"
    }

    private var configured: PostgresConnectionSettings? {
        if let url = environment["DATABASE_URL"], !url.isEmpty {
            return PostgresConnectionSettings(connectionString: url)
        }
        if Self.libpqVariables.contains(where: { environment[$0].map { !$0.isEmpty } == true }) {
            return PostgresConnectionSettings()
        }
        return nil
    }

    private func local(user: String) -> PostgresConnectionSettings {
        PostgresConnectionSettings()
            .setting("host", to: "127.0.0.1")
            .setting("port", to: Self.localPort)
            .setting("dbname", to: "strokepath")
            .setting("user", to: user)
    }

    /// Names the application and, unless the environment or the URL says otherwise, bounds
    /// the connect time (3 s a host: a multi-host URL moves on from a host that hangs), lets
    /// TCP keepalives find a dead idle peer within about a minute, and gives up on a peer that
    /// leaves what was sent unacknowledged for 10 s (a primary whose machine was lost).
    private func tuned(_ settings: PostgresConnectionSettings) -> PostgresConnectionSettings {
        // libpq reads its environment only for keywords not given at all.
        let fromEnvironment = ["application_name": "PGAPPNAME", "connect_timeout": "PGCONNECT_TIMEOUT"]
        let defaults = [
            ("application_name", "strokepath"), ("connect_timeout", "3"),
            ("keepalives_idle", "30"), ("keepalives_interval", "10"), ("keepalives_count", "3"), ("tcp_user_timeout", "10000"),
        ]
        var settings = settings
        for (keyword, value) in defaults where fromEnvironment[keyword].flatMap({ environment[$0] }) == nil {
            settings = settings.defaulting(keyword, to: value)
        }
        return settings
    }
}
