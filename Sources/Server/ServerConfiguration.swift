public import Foundation
public import Postgres

/// Everything the HTTP service needs to start. `main` fills it from the environment and
/// flags; tests build it directly (port 0 picks a free port).
public struct ServerConfiguration: Sendable {
    /// Address to listen on (default loopback).
    public var host: String
    /// Port to listen on (default 8080; 0 picks a free one).
    public var port: Int
    /// The application database (a role that owns nothing).
    public var database: PostgresConnectionSettings
    /// A hot standby reports are read from (nil: the primary).
    public var replica: PostgresConnectionSettings?
    /// Pool limits.
    public var pool: PostgresPool.Configuration
    /// Largest accepted request body, in bytes (default 1 MiB).
    public var maxBodyBytes: Int
    /// How long `/health/ready` waits for the database (default 2 s).
    public var readinessTimeout: Duration
    /// The migrations the running code expects; the status page compares the database with them.
    public var migrationsDirectory: URL?
    /// Shown on the status page and in `/health/live`.
    public var version: String
    /// How often new audit rows are sealed into the hash chain (default 1 s).
    public var auditSealInterval: Duration
    /// Which bearer tokens the API accepts (default: the local development key).
    public var authentication: AuthenticationSettings
    /// Sustained requests (API and pages) per second per user (default 20), and the burst (default 40).
    public var rateLimit: (perSecond: Double, burst: Int)
    /// Refused tokens and sign-ins per second per client address (default 1), and the burst
    /// (default 20); also the rate of the public status page per address.
    public var failureRateLimit: (perSecond: Double, burst: Int)
    /// The Protocols folder (clinical knowledge; `acute/` is read and checked at start-up).
    public var protocolsDirectory: URL
    /// Where acute evaluations wait, durably, while the database is unreachable.
    public var spoolDirectory: URL
    /// How long an acute evaluation waits for the database before it is spooled instead (default 2 s).
    public var acuteStoreTimeout: Duration
    /// Where bulk exports' files are written and downloaded from (default `.local/exports`):
    /// storage every instance of the service shares, kept `BulkExports.retention`.
    public var exportDirectory: URL
    /// Addresses of reverse proxies in front of the service (default none): from them, the
    /// client's address is the last one their `X-Forwarded-For` names (for rate limits and
    /// audit rows); from anyone else the header is ignored.
    public var trustedProxies: Set<String>
    /// How many break-glass grants one user may open in 24 hours (default 5): more is refused
    /// and left to the auditors, who see every grant on their organisations' patients.
    public var breakGlassPerDay: Int
    /// How long a durable job (a weekly solve, a report refresh) stays a worker's without renewal (default 30 s):
    /// the longest a job waits to be taken over after its instance died.
    public var jobLease: Duration
    /// How often an idle job worker looks for work (default 1 s).
    public var jobPoll: Duration
    /// How often the metrics read the job and audit backlog from the database (default 15 s).
    public var backlogInterval: Duration
    /// Whether pages may be asked for in the pseudo-language (`?lang=qps`, every catalogue text
    /// marked): for the tests that look for text outside the catalogue, never in service.
    public var pseudoLanguage = false
    /// The hospitals' time zone (a tz database name): clock times typed on the acute pages are
    /// read in it, never in the device's. Nil: clock-time entry is refused (minutes ago only).
    public var timeZone: TimeZone?
    /// The address people and systems reach the service at (`STROKEPATH_PUBLIC_URL`): the base
    /// of the FHIR façade's absolute URLs; the address it listens on when not set.
    public var publicURL: URL?

    /// A configuration with the documented defaults.
    public init(
        host: String = "127.0.0.1",
        port: Int = 8080,
        database: PostgresConnectionSettings = PostgresConnectionSettings(),
        replica: PostgresConnectionSettings? = nil,
        pool: PostgresPool.Configuration = .init(),
        maxBodyBytes: Int = 1 << 20,
        readinessTimeout: Duration = .seconds(2),
        migrationsDirectory: URL? = nil,
        version: String = StrokePathVersion.current,
        auditSealInterval: Duration = .seconds(1),
        authentication: AuthenticationSettings = .development(keyFile: DevelopmentKey.defaultFile),
        rateLimit: (perSecond: Double, burst: Int) = (20, 40),
        failureRateLimit: (perSecond: Double, burst: Int) = (1, 20),
        protocolsDirectory: URL = URL(fileURLWithPath: "Protocols"),
        spoolDirectory: URL = URL(fileURLWithPath: ".local/spool/acute"),
        exportDirectory: URL = URL(fileURLWithPath: ".local/exports"),
        acuteStoreTimeout: Duration = .seconds(2),
        breakGlassPerDay: Int = 5,
        trustedProxies: Set<String> = [],
        jobLease: Duration = .seconds(30),
        jobPoll: Duration = .seconds(1),
        backlogInterval: Duration = .seconds(15)
    ) {
        self.host = host
        self.port = port
        self.database = database
        self.replica = replica
        self.pool = pool
        self.maxBodyBytes = maxBodyBytes
        self.readinessTimeout = readinessTimeout
        self.migrationsDirectory = migrationsDirectory
        self.version = version
        self.auditSealInterval = auditSealInterval
        self.authentication = authentication
        self.rateLimit = rateLimit
        self.failureRateLimit = failureRateLimit
        self.protocolsDirectory = protocolsDirectory
        self.spoolDirectory = spoolDirectory
        self.exportDirectory = exportDirectory
        self.acuteStoreTimeout = acuteStoreTimeout
        self.breakGlassPerDay = breakGlassPerDay
        self.trustedProxies = trustedProxies
        self.jobLease = jobLease
        self.jobPoll = jobPoll
        self.backlogInterval = backlogInterval
    }
}

/// The service's version.
public enum StrokePathVersion {
    public static let current = "0.1.0"
}
