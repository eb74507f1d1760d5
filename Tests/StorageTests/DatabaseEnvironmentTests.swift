import Storage
import Testing

@testable import Postgres

@Suite struct DatabaseEnvironmentTests {
    static func keywords(_ settings: PostgresConnectionSettings) -> [String: String] {
        Dictionary(settings.orderedPairs.map { ($0.keyword, $0.value) }) { _, later in later }
    }

    @Test func nothingSetMeansTheLocalCluster() {
        let environment = DatabaseEnvironment(environment: [:])
        let app = Self.keywords(environment.application)
        #expect(app["host"] == "127.0.0.1")
        #expect(app["port"] == DatabaseEnvironment.localPort)
        #expect(app["user"] == "strokepath_app")
        #expect(Self.keywords(environment.owner)["user"] == "strokepath_owner")
        #expect(environment.summary.contains("local cluster"))
    }

    @Test func databaseURLIsPassedWholeAndDefaultsComeFirst() {
        let url = "postgresql://svc:p%27w@db.example:5433/stroke?sslmode=verify-full&keepalives_idle=99"
        let environment = DatabaseEnvironment(environment: ["DATABASE_URL": url])
        let pairs = environment.application.orderedPairs
        let urlIndex = pairs.firstIndex { $0.keyword == "dbname" && $0.value == url }
        let keepaliveIndex = pairs.firstIndex { $0.keyword == "keepalives_idle" }
        #expect(urlIndex != nil)
        // libpq lets later pairs win: the default must come before the URL so the URL's 99 stands.
        #expect((keepaliveIndex ?? .max) < (urlIndex ?? .min))
        #expect(!pairs.contains { $0.keyword == "host" })
        #expect(environment.summary == "DATABASE_URL")
        // Migrations use the same server as the owner role.
        #expect(Self.keywords(environment.owner)["user"] == "strokepath_owner")
    }

    @Test func connectionsGiveUpOnAHungHostAndADeadPeerSoAMultiHostURLMovesOn() {
        let app = Self.keywords(
            DatabaseEnvironment(environment: ["DATABASE_URL": "postgresql://a@h1:5432,h2:5432/d?target_session_attrs=read-write"]).application)
        #expect(app["connect_timeout"] == "3")
        #expect(app["tcp_user_timeout"] == "10000")
        #expect(app["keepalives_idle"] == "30")
    }

    @Test func aReplicaURLConnectsAsTheApplicationUnlessItNamesAUser() throws {
        let url = "postgresql://reports@standby:5432/d"
        let pairs = try #require(DatabaseEnvironment(environment: ["DATABASE_REPLICA_URL": url]).replica).orderedPairs
        let userIndex = pairs.firstIndex { $0.keyword == "user" && $0.value == "strokepath_app" }
        let urlIndex = pairs.firstIndex { $0.keyword == "dbname" && $0.value == url }
        #expect(userIndex != nil && urlIndex != nil, "the role that may take strokepath_planner, by default")
        // A default: before the URL, so that a user the URL names stands.
        #expect((userIndex ?? .max) < (urlIndex ?? .min))
        #expect(DatabaseEnvironment(environment: [:]).replica == nil)
        // PGUSER, which libpq reads, stands for the replica as for the primary.
        let withUser = try #require(DatabaseEnvironment(environment: ["DATABASE_REPLICA_URL": url, "PGUSER": "x"]).replica).orderedPairs
        #expect(!withUser.contains { $0.keyword == "user" })
    }

    @Test func libpqVariablesAreLeftToLibpq() {
        let environment = DatabaseEnvironment(environment: ["PGHOST": "/run/postgresql", "PGCONNECT_TIMEOUT": "9"])
        let app = Self.keywords(environment.application)
        #expect(app["host"] == nil)
        #expect(app["connect_timeout"] == nil)
        #expect(app["application_name"] == "strokepath")
    }

    @Test func ownerURLWinsForMigrations() {
        let environment = DatabaseEnvironment(environment: ["DATABASE_URL": "postgresql://a@h/d", "DATABASE_OWNER_URL": "postgresql://o@h/d"])
        #expect(Self.keywords(environment.owner)["dbname"] == "postgresql://o@h/d")
        #expect(Self.keywords(environment.owner)["user"] == nil)
    }
}
