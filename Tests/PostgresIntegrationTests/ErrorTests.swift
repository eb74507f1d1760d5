import Foundation
import Postgres
import PostgresTestSupport
import Testing

@Suite struct ErrorTests {
    @Test func uniqueViolationCarriesSQLStateAndConstraint() async throws {
        try await TestDatabase.withPool(migrated: false, .superuser) { pool in
            try await pool.query("CREATE TABLE patients (pseudonym text CONSTRAINT patients_pseudonym_key UNIQUE)")
            try await pool.query("INSERT INTO patients VALUES (\("P-0001"))")
            let error = await #expect(throws: PostgresError.self) {
                try await pool.query("INSERT INTO patients VALUES (\("P-0001"))")
            }
            #expect(error?.sqlState == SQLState.uniqueViolation)
            #expect(error?.constraint == "patients_pseudonym_key")
            #expect(error?.table == "patients")
            // DETAIL quotes the key value: kept out of the description.
            #expect(error?.serverDetail?.contains("P-0001") == true)
            #expect(error?.description.contains("P-0001") == false)
        }
    }

    @Test func exclusionViolationCarriesSQLStateAndConstraint() async throws {
        try await TestDatabase.withPool(migrated: false, .superuser) { pool in
            try await pool.query(
                """
                CREATE TABLE bookings (during tstzrange NOT NULL,
                    CONSTRAINT bookings_no_overlap EXCLUDE USING gist (during WITH &&))
                """)
            let start = Date(timeIntervalSince1970: 1_800_000_000)
            try await pool.query("INSERT INTO bookings VALUES (tstzrange(\(start), \(start + 3600)))")
            let error = await #expect(throws: PostgresError.self) {
                try await pool.query("INSERT INTO bookings VALUES (tstzrange(\(start + 1800), \(start + 5400)))")
            }
            #expect(error?.sqlState == SQLState.exclusionViolation)
            #expect(error?.constraint == "bookings_no_overlap")
            #expect(error?.description.contains("2027") == false)
        }
    }

    @Test func unreachableServerIsAConnectionFailure() async throws {
        let settings = PostgresConnectionSettings()
            .setting("host", to: "127.0.0.1").setting("port", to: "1").setting("connect_timeout", to: "2")
        let pool = PostgresPool(settings: settings, logger: TestDatabase.logger)
        let error = await #expect(throws: PostgresError.self) { try await pool.query("SELECT 1") }
        #expect(error?.code == .connectionFailed)
        #expect(error?.description.contains("refused") == true)
        await pool.close()
    }

    /// libpq's multi-host failover works because settings reach it as keywords: the first
    /// host refuses, the second (the test cluster's socket) answers.
    @Test func multiHostSettingsFailOverToTheNextHost() async throws {
        try await TestDatabase.with(migrated: false) { database in
            let socket = try #require(ProcessInfo.processInfo.environment["PGHOST"])
            let port = ProcessInfo.processInfo.environment["PGPORT"] ?? "5432"
            let settings = database.app
                .setting("host", to: "127.0.0.1,\(socket)")
                .setting("port", to: "1,\(port)")
                .setting("target_session_attrs", to: "read-write")
            try await PostgresPool.withPool(settings: settings, logger: TestDatabase.logger) { pool in
                let user = try await pool.query("SELECT current_user").single().decode(String.self)
                #expect(user == "strokepath_app")
            }
        }
    }

    @Test func serverErrorsOfBadSQLAreReported() async throws {
        try await TestDatabase.withPool(migrated: false) { pool in
            let error = await #expect(throws: PostgresError.self) { try await pool.query("SELEC 1") }
            #expect(error?.sqlState == "42601")
            // The connection stays usable.
            let one = try await pool.query("SELECT 1").single().decode(Int.self)
            #expect(one == 1)
        }
    }
}
