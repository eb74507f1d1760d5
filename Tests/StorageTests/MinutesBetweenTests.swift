import Postgres
import PostgresTestSupport
import Testing

/// `minutes_between` in floating point (migration 0020) gives the whole minutes the decimal
/// form gave (`round(extract(epoch …) / 60)`: halves away from zero) for 200,000 pairs of times
/// to the microsecond, both signs, exact halves, and a microsecond either side of a half 30
/// years apart, just under the billion seconds worked out in floating point, and 600 years
/// apart (worked out as decimals); NULL stays NULL.
@Suite struct MinutesBetweenTests {
    @Test func floatingPointMinutesAreTheDecimalOnes() async throws {
        try await TestDatabase.with { database in
            try await database.withPool(.superuser) { pool in
                let (pairs, differing) = try await pool.query(
                    """
                    WITH pairs AS (
                        SELECT a, a + d * interval '1 microsecond' AS b FROM (
                            SELECT timestamptz '2020-01-01' + (i * 7919 % 2000) * interval '1 day' + (i * 104729 % 86400000000) * interval '1 microsecond' AS a,
                                   CASE WHEN i % 2 = 0 THEN (i * 2654435761 % 200000000000) - 60000000000
                                        ELSE ((i * 40503 % 4000) - 1200) * 30000000 END AS d
                            FROM generate_series(1::bigint, 200000) i) x
                        UNION ALL VALUES (timestamptz '2024-03-31 01:59:30+00', timestamptz '2024-03-31 03:00:00+02'),
                                         (timestamptz '2024-01-01', timestamptz '2024-01-01 00:00:29.999999'),
                                         (timestamptz '2024-01-01', timestamptz '2024-01-01 00:00:30'),
                                         (timestamptz '2024-01-01 00:00:30', timestamptz '2024-01-01'),
                                         (timestamptz '2024-01-01', timestamptz '2024-01-01 00:00:30.000001'),
                                         (timestamptz '1900-01-01', timestamptz '2199-12-31 23:59:59.999999'),
                                         (timestamptz '2000-01-01', timestamptz '2030-01-01 00:00:29.999999'),
                                         (timestamptz '2000-01-01', timestamptz '2030-01-01 00:00:30'),
                                         (timestamptz '2030-01-01 00:00:30.000001', timestamptz '2000-01-01'),
                                         (timestamptz '2000-01-01', timestamptz '2000-01-01' + interval '999998969.999999 seconds'),
                                         (timestamptz '2000-01-01', timestamptz '2000-01-01' + interval '999998970.000001 seconds'),
                                         (timestamptz '1400-01-01', timestamptz '2000-01-01 00:00:29.999999'),
                                         (timestamptz '1400-01-01', timestamptz '2000-01-01 00:00:30.000001'),
                                         (NULL, timestamptz '2024-01-01'))
                    SELECT count(*), count(*) FILTER (WHERE minutes_between(a, b) IS DISTINCT FROM round(extract(epoch FROM (b - a)) / 60)::integer)
                    FROM pairs
                    """
                ).single().decode((Int, Int).self)
                #expect(pairs == 200_014 && differing == 0, "\(differing) of \(pairs) pairs differ")
            }
        }
    }
}
