import Clinical
import Foundation
import Testing

@testable import Server

/// FHIR's search values as the façade reads them, without a server: a date stands for its whole
/// year, month, day (in the hospitals' zone) or second; prefixes bound a period as FHIR says;
/// a day of a stay begins and ends in the same zone.
@Suite struct FHIRSearchTests {
    static let stockholm = TimeZone(identifier: "Europe/Stockholm") ?? .gmt

    static func time(_ text: String) throws -> Date { try Date(text, strategy: .iso8601) }

    @Test func aDayIsTheWholeDayInTheHospitalsZone() throws {
        let day = try FHIRSearch.date("2026-03-05", name: "date", zone: Self.stockholm)
        #expect(day.prefix == "eq")
        let (midnight, next) = (try Self.time("2026-03-04T23:00:00Z"), try Self.time("2026-03-05T23:00:00Z"))
        #expect(day.lower == midnight)
        #expect(abs(day.upper.timeIntervalSince(next) + 0.001) < 1e-6)
        let summer = try FHIRSearch.date("ge2026-07-01", name: "date", zone: Self.stockholm)
        let july = try Self.time("2026-06-30T22:00:00Z")
        #expect(summer.prefix == "ge" && summer.lower == july)
    }

    @Test func aYearAndASecondStandForTheirWholeRange() throws {
        let year = try FHIRSearch.date("2026", name: "date", zone: .gmt)
        let (first, next, last) = (try Self.time("2026-01-01T00:00:00Z"), try Self.time("2027-01-01T00:00:00Z"), try Self.time("2026-12-31T23:59:59Z"))
        #expect(year.lower == first && year.upper < next && year.upper > last)
        let second = try FHIRSearch.date("2026-05-01T10:00:00Z", name: "date", zone: .gmt)
        let ten = try Self.time("2026-05-01T10:00:00Z")
        #expect(second.lower == ten && second.upper > second.lower)
    }

    /// `gt2025` starts after 2025 and `lt2027` ends before 2027 (read as `ge`/`le` they included both years).
    @Test func greaterAndLessThanExcludeTheirValue() throws {
        let after = try #require(try FHIRSearch.date("gt2025", name: "period", zone: .gmt).bounds)
        let newYear = try Self.time("2026-01-01T00:00:00Z")
        #expect(after.from == newYear && after.through == nil)
        let before = try #require(try FHIRSearch.date("lt2027", name: "period", zone: .gmt).bounds)
        let through = try #require(before.through)
        let nextYear = try Self.time("2027-01-01T00:00:00Z")
        let lastSecond = try Self.time("2026-12-31T23:59:59Z")
        #expect(through < nextYear && through > lastSecond && before.from == nil)
        #expect(try FHIRSearch.date("ne2026", name: "period", zone: .gmt).bounds == nil)
    }

    @Test func aBadValueOrPrefixIsRefusedNamingTheParameter() {
        for value in ["2026-02-30", "xx2026", "yesterday", "2026-13", "1850"] {
            #expect(throws: Refusal.self, "\(value)") { try FHIRSearch.date(value, name: "date", zone: .gmt) }
        }
    }

    /// A stay's day begins and ends where a searched day does (discharged on 5 March: not on the 6th).
    @Test func aDayOfAStayBeginsAndEndsInTheHospitalsZone() throws {
        let day = try #require(CalendarDay("2026-03-05"))
        let midnight = try Self.time("2026-03-04T23:00:00Z")
        #expect(day.start(in: Self.stockholm) == midnight)
        let searched = try FHIRSearch.date("ge2026-03-06", name: "date", zone: Self.stockholm)
        #expect(!searched.matches(start: day.start(in: Self.stockholm), end: day.end(in: Self.stockholm)))
        let same = try FHIRSearch.date("2026-03-05", name: "date", zone: Self.stockholm)
        #expect(same.matches(start: day.start(in: Self.stockholm), end: day.end(in: Self.stockholm)))
        // Where the clocks change between local and UTC midnight, the day begins at the zone's own midnight.
        let sydney = try #require(TimeZone(identifier: "Australia/Sydney"))
        let change = try #require(CalendarDay("2026-10-04"))
        let sydneyMidnight = try Self.time("2026-10-03T14:00:00Z")
        #expect(change.start(in: sydney) == sydneyMidnight)
    }
}
