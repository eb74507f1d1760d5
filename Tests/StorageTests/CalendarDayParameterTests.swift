import Clinical
import Postgres
import PostgresTestSupport
import Storage
import Testing

/// A day sent as a date parameter is the same day in PostgreSQL, before and after its epoch
/// (2000-01-01) and across leap days.
@Suite struct CalendarDayParameterTests {
    @Test func aDayIsTheSameDayInPostgreSQL() async throws {
        try await TestDatabase.with { database in
            try await database.withPool(.app) { pool in
                for text in ["1900-01-01", "1999-12-31", "2000-01-01", "2000-02-29", "2024-02-29", "2026-12-06", "2199-12-31"] {
                    let day = try #require(CalendarDay(text))
                    let row = try await pool.query("SELECT \(day)::text, pg_typeof(\(day))::text").single()
                    #expect(try row.decode((String, String).self) == (text, "date"))
                }
            }
        }
    }

    /// A day beyond the years a day is read in is refused, not sent as another day.
    @Test func aDayBeyondTheDatesIsRefused() {
        var buffer: [UInt8] = []
        #expect(throws: PostgresError.self) { try CalendarDay(year: 9_000_000, month: 1, day: 1).encode(into: &buffer) }
        #expect(buffer.isEmpty)
    }
}
