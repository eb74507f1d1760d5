import Foundation
import Testing

@testable import Reporting

/// The CSV of a report opens as columns in Excel set to Swedish and runs no formula.
@Suite struct ReportCSVTests {
    static func table() throws -> IndicatorTable {
        let indicator = try #require(try IndicatorReviewTests.catalogue().indicators.first { $0.id == "dtn_within_60" })
        let value = ReportValue(n: 12, value: -1.5)
        let withheld = ReportValue(suppressed: true, reason: "withheld; small")
        return IndicatorTable(
            indicator: indicator, rows: ["=HYPERLINK(\"x\")", "@SUM"], periods: ["2026"], cells: [[value], [withheld]], rowTotals: [value, withheld],
            periodTotals: [value], total: value, funnel: nil)
    }

    @Test func excelGetsSemicolonsDecimalCommasAndAByteOrderMark() throws {
        let csv = ReportCSV.render([try Self.table()], rowNames: ["@SUM": "+Small, hospital"], dialect: .excel)
        #expect(csv.hasPrefix("\u{FEFF}indicator;unit;row;row_name;period;n;value;"))
        #expect(csv.contains(";12;-1,50;"), "a number keeps its sign, with a decimal comma")
        #expect(csv.contains(";\"withheld; small\"\r\n"), "a field holding the separator is quoted")
        #expect(csv.hasSuffix("\r\n") && !csv.replacingOccurrences(of: "\r\n", with: "").contains("\n"), "CRLF only")
    }

    @Test func textAFormulaCouldStartWithIsMadeInert() throws {
        let csv = ReportCSV.render([try Self.table()], rowNames: ["@SUM": "+Small, hospital"])
        #expect(csv.contains(",\"'=HYPERLINK(\"\"x\"\")\",\"'=HYPERLINK(\"\"x\"\")\",2026,"), "the row and its name (its key) escaped and quoted")
        #expect(csv.contains(",'@SUM,\"'+Small, hospital\",2026,"))
        #expect(!csv.contains(",=") && !csv.contains(",@") && !csv.contains(",+"), "no field starts a formula")
        #expect(csv.contains(",12,-1.50,"), "numbers are not text: their sign stays")
        for start in ["=", "+", "-", "@", "\t", "\r"] { #expect(ReportCSV.escaped(start + "1").hasPrefix("'")) }
        #expect(ReportCSV.escaped("Small") == "Small")
    }
}
