import Clinical
import Foundation
import PostgresTestSupport
import Reporting
import Testing

@testable import Storage

/// Which months a report publishes (docs/reporting.md, "Versions"): a month some days after it
/// ends, and a report runs to the last of them (by stratum, to the last whole year).
@Suite struct PublishedMonthsTests {
    static func date(_ text: String) throws -> Date { try Date(text, strategy: .iso8601) }

    @Test func aMonthIsPublishedItsDaysAfterItEnds() throws {
        var disclosure = try ReportFixture.catalogue().disclosure
        disclosure.releaseAfterDays = 120
        // July ends 1 August; 120 days later is 29 November.
        #expect(disclosure.publishedThrough(refreshedAt: try Self.date("2026-11-29T00:00:00Z")) == ReleaseMonth(2026, 7))
        #expect(disclosure.publishedThrough(refreshedAt: try Self.date("2026-11-28T23:59:59Z")) == ReleaseMonth(2026, 6))
        #expect(disclosure.publishedThrough(refreshedAt: try Self.date("2027-01-15T12:00:00Z")) == ReleaseMonth(2026, 8))
        disclosure.releaseAfterDays = 0
        #expect(disclosure.publishedThrough(refreshedAt: try Self.date("2027-01-01T00:00:00Z")) == ReleaseMonth(2026, 12))
    }

    @Test func aReportRunsToTheLastMonthPublished() throws {
        let july = ReleaseMonth(2026, 7)
        #expect(ReportQuery(period: .month).published(through: july).to == CalendarDay("2026-07-31"))
        #expect(ReportQuery(to: CalendarDay("2025-12-31"), period: .year).published(through: july).to == CalendarDay("2025-12-31"), "an earlier end stays")
        #expect(ReportQuery(to: CalendarDay("2026-12-31"), period: .quarter).published(through: july).to == CalendarDay("2026-07-31"))
        #expect(ReportQuery(period: .all, rows: .sex).published(through: july).to == CalendarDay("2025-12-31"), "strata: the last whole year")
        #expect(ReportQuery(period: .year, rows: .region, sex: "female").published(through: july).to == CalendarDay("2025-12-31"))
        #expect(ReportQuery(period: .all, rows: .sex).published(through: ReleaseMonth(2026, 12)).to == CalendarDay("2026-12-31"))
        // A year runs to the last month published, a month after it is not read.
        let year = ReportQuery(period: .year).published(through: july)
        #expect(RegionalReports.months(of: "2026-01-01", year) == ReleaseMonth(2026, 1)...ReleaseMonth(2026, 7))
        #expect(RegionalReports.months(of: "2025-01-01", year) == ReleaseMonth(2025, 1)...ReleaseMonth(2025, 12))
    }
}
