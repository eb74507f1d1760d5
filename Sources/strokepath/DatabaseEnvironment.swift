import Foundation
import Postgres

/// Where the database is, from the environment: `DATABASE_URL` or libpq's own `PG*`
/// variables; with neither, the local cluster of `ops/db` (loopback port 54329).
struct DatabaseEnvironment {
    /// The local cluster `ops/db start` runs.
    static let localPort = "54329"
    static let ownerRole = "strokepath_owner"
    static let appRole = "strokepath_app"

    /// libpq variables that mean "the user has said where the database is".
    private static let libpqVariables = ["PGHOST", "PGHOSTADDR", "PGPORT", "PGDATABASE", "PGUSER", "PGSERVICE"]

    let environment: [String: String]

    init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.environment = environment
    }

    /// How the service connects: as the application role.
    var application: PostgresConnectionSettings {
        tuned(configured ?? local(user: Self.appRole))
    }

    /// How migrations connect: as the schema owner.
    var owner: PostgresConnectionSettings {
        if let url = environment["DATABASE_OWNER_URL"], !url.isEmpty {
            return tuned(PostgresConnectionSettings(connectionString: url))
        }
        return tuned((configured ?? local(user: Self.ownerRole)).setting("user", to: Self.ownerRole))
    }

    /// A short description for logs: never the password.
    var summary: String {
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

    private func tuned(_ settings: PostgresConnectionSettings) -> PostgresConnectionSettings {
        var settings = settings.setting("application_name", to: "strokepath")
        if environment["PGCONNECT_TIMEOUT"] == nil {
            settings = settings.setting("connect_timeout", to: "5")
        }
        return settings
    }
}
