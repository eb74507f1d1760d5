import Postgres
import PostgresTestSupport
import Testing

/// The histograms kept as a row a key with its bins in two arrays (migration 0018):
/// `report_add_minutes` adds changes to a bin, puts a new bin in order, drops a bin that counts
/// no episode any more and a key left with none, and leaves other keys alone.
@Suite struct HistogramArrayTests {
    /// The rows of `histograms` as text, one a key, in key order.
    static func rows(_ connection: PostgresConnection) async throws -> [String] {
        try await connection.query(
            "SELECT hospital || ' ' || minutes::text || ' ' || episodes::text FROM histograms ORDER BY hospital"
        ).map { try $0.decode(String.self, at: 0) }
    }

    /// Adds `changes` (rows of hospital, minutes, episodes) to the histograms.
    static func add(_ changes: String, whole: Bool, on connection: PostgresConnection) async throws {
        let query = "SELECT hospital, minutes::smallint, episodes::bigint FROM (VALUES \(changes)) c(hospital, minutes, episodes)"
        try await connection.query("SELECT report_add_minutes('histograms', 'hospital', \(query), \(whole))")
    }

    @Test func changesAreAddedBinByBin() async throws {
        try await TestDatabase.with { database in
            try await database.withPool(.superuser) { pool in
                try await pool.withTransaction { connection in
                    // As the refresh runs it: the owner's function on a table the owner may write.
                    try await connection.query("SET LOCAL ROLE strokepath_owner")
                    try await connection.query(
                        """
                        CREATE TEMPORARY TABLE histograms (hospital text PRIMARY KEY, minutes smallint[] NOT NULL, episodes integer[] NOT NULL)
                        ON COMMIT DROP
                        """)
                    try await Self.add("('a', 30, 2), ('a', 10, 4), ('b', 5, 1), ('c', 7, 3)", whole: true, on: connection)
                    #expect(try await Self.rows(connection) == ["a {10,30} {4,2}", "b {5} {1}", "c {7} {3}"])
                    // To a: one more at 10, new bins at 20 and 5, the two at 30 gone (in two rows);
                    // b loses its only episode; c's changes come to nothing (its row as it was).
                    try await Self.add(
                        "('a', 10, 1), ('a', 20, 1), ('a', 30, -1), ('b', 5, -1), ('a', 30, -1), ('a', 5, 2), ('c', 7, 1), ('c', 7, -1)", whole: false,
                        on: connection)
                    #expect(try await Self.rows(connection) == ["a {5,10,20} {2,5,1}", "c {7} {3}"])
                }
            }
        }
    }
}
