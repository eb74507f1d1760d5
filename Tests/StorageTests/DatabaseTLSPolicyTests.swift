import Postgres
import Storage
import Testing

@Suite struct DatabaseTLSPolicyTests {
    @Test(arguments: [
        ("postgresql://app@db.region.example/strokepath", false),
        ("postgresql://app@db.region.example/strokepath?sslmode=prefer", false),
        ("postgresql://app@db.region.example/strokepath?sslmode=require", false),
        ("postgresql://app@db.region.example/strokepath?sslmode=verify-full&sslrootcert=/etc/ca.pem", true),
        ("host=a.example,b.example sslmode=verify-ca target_session_attrs=read-write", true),
        ("host=/run/postgresql dbname=strokepath", true),
        ("postgresql://app@127.0.0.1:5432/strokepath", true),
    ])
    func remoteHostsNeedVerifiedTLS(connection: String, allowed: Bool) {
        let violation = DatabaseTLSPolicy.violation(in: PostgresConnectionSettings(connectionString: connection))
        #expect((violation == nil) == allowed, "\(connection): \(violation ?? "allowed")")
    }

    @Test func aLaterKeywordCannotDowngrade() {
        let settings = PostgresConnectionSettings(connectionString: "postgresql://app@db.region.example/s?sslmode=verify-full")
            .setting("sslmode", to: "prefer")
        #expect(DatabaseTLSPolicy.violation(in: settings) != nil)
    }

    @Test func unparsableStringsAreReported() {
        #expect(DatabaseTLSPolicy.violation(in: PostgresConnectionSettings(connectionString: "host='unterminated")) != nil)
    }
}
