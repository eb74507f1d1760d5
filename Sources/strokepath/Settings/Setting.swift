import Foundation

/// One setting the `strokepath` command reads, by the one name it has in the environment and
/// in the settings file. The README's configuration table describes each; `config check` shows
/// its effective value, masked when it is a secret.
struct Setting: Sendable {
    let name: String
    /// What it is used for when unset, as a person reads it.
    let fallback: String
    let secret: Bool

    init(_ name: String, fallback: String, secret: Bool = false) {
        self.name = name
        self.fallback = fallback
        self.secret = secret
    }

    /// Every setting, in the order `config check` lists them.
    static let all: [Setting] = [
        Setting("HOST", fallback: "127.0.0.1"),
        Setting("PORT", fallback: "8080"),
        Setting("LOG_LEVEL", fallback: "info"),
        Setting("LOG_FORMAT", fallback: "text"),
        Setting("DATABASE_URL", fallback: "libpq's PG* variables, else the local cluster", secret: true),
        Setting("DATABASE_OWNER_URL", fallback: "the service's settings as strokepath_owner", secret: true),
        Setting("DATABASE_REPLICA_URL", fallback: "none: reports read the primary", secret: true),
        Setting("STROKEPATH_PUBLIC_URL", fallback: "none; required with an identity provider; the base of FHIR URLs (else the listening address)"),
        Setting("STROKEPATH_OIDC_ISSUER", fallback: "none: a JWKS file, else the development key"),
        Setting("STROKEPATH_OIDC_CLIENT_ID", fallback: "none; required with an issuer"),
        Setting("STROKEPATH_OIDC_CLIENT_SECRET", fallback: "none", secret: true),
        Setting("STROKEPATH_OIDC_CLIENT_SECRET_FILE", fallback: "none"),
        Setting("STROKEPATH_OIDC_SCOPES", fallback: "profile"),
        Setting("STROKEPATH_OIDC_ROLE_CLAIM", fallback: "role"),
        Setting("STROKEPATH_OIDC_ROLE_MAP", fallback: "the roles' own names"),
        Setting("STROKEPATH_OIDC_ORGANISATION_CLAIM", fallback: "orgs"),
        Setting("STROKEPATH_OIDC_ORGANISATION_MAP", fallback: "organisation ids"),
        Setting("STROKEPATH_OIDC_ACCESS_TOKEN_CLAIM", fallback: "client_id"),
        Setting("STROKEPATH_OIDC_SESSION_HOURS", fallback: "8"),
        Setting("STROKEPATH_OIDC_FORM_ORIGINS", fallback: "none"),
        Setting("STROKEPATH_OIDC_NAME_CLAIM", fallback: "name"),
        Setting("STROKEPATH_OIDC_NAME", fallback: "your organisation's sign-in"),
        Setting("STROKEPATH_OIDC_API_AUDIENCE", fallback: "the client id"),
        Setting("STROKEPATH_OIDC_SYSTEMS", fallback: "none: no system calls the API as itself"),
        Setting("STROKEPATH_JWT_JWKS", fallback: "none: the development key"),
        Setting("STROKEPATH_JWT_ISSUER", fallback: "strokepath-development"),
        Setting("STROKEPATH_JWT_AUDIENCE", fallback: "strokepath"),
        Setting("STROKEPATH_DEV_KEY", fallback: ".local/dev-signing-key.pem"),
        Setting("STROKEPATH_SQL_DIR", fallback: "SQL/ beside the binary"),
        Setting("STROKEPATH_PROTOCOLS_DIR", fallback: "Protocols/ beside the binary"),
        Setting("STROKEPATH_RESOURCES_DIR", fallback: "beside the binary"),
        Setting("STROKEPATH_SPOOL_DIR", fallback: ".local/spool/acute"),
        Setting("STROKEPATH_EXPORT_DIR", fallback: ".local/exports"),
        Setting("STROKEPATH_TRUSTED_PROXIES", fallback: "none"),
        Setting("STROKEPATH_JOB_LEASE_SECONDS", fallback: "30"),
        Setting("STROKEPATH_TIME_ZONE", fallback: "none: clock times refused"),
        Setting("STROKEPATH_RATE_PER_USER", fallback: "20"),
        Setting("STROKEPATH_RATE_BURST", fallback: "twice the rate"),
    ]

    /// libpq's own environment variables (libpq reads them itself), by its documentation.
    static let libpq: Set<String> = [
        "PGHOST", "PGHOSTADDR", "PGPORT", "PGDATABASE", "PGUSER", "PGPASSWORD", "PGPASSFILE", "PGSERVICE", "PGSERVICEFILE", "PGOPTIONS",
        "PGAPPNAME", "PGSSLMODE", "PGREQUIRESSL", "PGSSLCOMPRESSION", "PGSSLCERT", "PGSSLKEY", "PGSSLCERTMODE", "PGSSLROOTCERT", "PGSSLCRL",
        "PGSSLCRLDIR", "PGSSLSNI", "PGREQUIREPEER", "PGSSLMINPROTOCOLVERSION", "PGSSLMAXPROTOCOLVERSION", "PGGSSENCMODE", "PGKRBSRVNAME",
        "PGGSSLIB", "PGGSSDELEGATION", "PGCHANNELBINDING", "PGREQUIREAUTH", "PGCONNECT_TIMEOUT", "PGCLIENTENCODING", "PGTARGETSESSIONATTRS",
        "PGLOADBALANCEHOSTS", "PGDATESTYLE", "PGTZ", "PGGEQO", "PGSYSCONFDIR", "PGLOCALEDIR", "PGSSLNEGOTIATION",
    ]

    /// The variables that say where the database is: set in the environment, they win over every
    /// database address of the settings file.
    static let databaseLocation = ["DATABASE_URL", "PGHOST", "PGHOSTADDR", "PGPORT", "PGDATABASE", "PGUSER", "PGSERVICE"]

    /// The setting of this name, or one of libpq's own variables; nil for a name no part of the
    /// service reads.
    static func named(_ name: String) -> Setting? {
        if let setting = all.first(where: { $0.name == name }) { return setting }
        guard libpq.contains(name) else { return nil }
        return Setting(name, fallback: "libpq's default", secret: name == "PGPASSWORD")
    }

    /// The value as `config check` shows it: a secret only as set; a database URL without its
    /// password (a libpq `key=value` string that names one, only as set).
    func shown(_ value: String) -> String {
        guard secret else { return value }
        guard name.hasPrefix("DATABASE_") else { return "•••••• (set)" }
        guard value.contains("://") else {
            return value.localizedCaseInsensitiveContains("password") ? "•••••• (set, with a password)" : value
        }
        return value.replacing(/(:\/\/[^\/@]*?:)[^@\/]*@/) { "\($0.output.1)••••••@" }
            .replacing(/([?&][Pp][Aa][Ss][Ss][Ww][Oo][Rr][Dd]=)[^&]*/) { "\($0.output.1)••••••" }
    }
}
