import Clinical
import Foundation
import Reporting
import Storage

/// A regional report as text tables for a terminal: per indicator, rows by period with the
/// row totals; withheld values as "*" with the reason underneath; targets named.
enum ReportText {
    static func render(_ report: RegionalReport) -> String {
        var out: [String] = []
        let asOf = report.asOf.map { $0.formatted(.iso8601) } ?? "never"
        out.append("Regional report · cells computed \(asOf) · k = \(report.k) · \(report.indicatorsVersion)")
        out += report.notes.map(\.text)
        for table in report.tables {
            out.append("")
            var title =
                "\(table.indicator.title) (\(table.indicator.unit)\(table.indicator.target == nil && table.indicator.direction == .nominal ? "" : ", " + table.indicator.direction.phrase))"
            if let target = table.indicator.target { title += " · target \(format(target.value)) \(target.unit)\(target.statistic.map { " (\($0))" } ?? "")" }
            out.append(title)
            out += table.indicator.readerNotes.map { "  \($0)" }
            let columns = table.periods + ["all"]
            let width = max(8, (table.rows.map(\.count).max() ?? 0) + 1)
            out.append(pad("", width) + columns.map { pad($0, 14) }.joined())
            var withheld = Set<String>()
            func cell(_ value: ReportValue) -> String {
                if value.suppressed == true {
                    withheld.insert(value.reason ?? "")
                    return "*"
                }
                if let shares = value.shares { return shares.map { String(Int($0.rounded())) }.joined(separator: "/") }
                guard let number = value.value else { return "–" }
                if let prescribed = value.prescribed { return "\(format(number)) of \(format(prescribed))" }
                return format(number) + (value.n.map { " (\($0))" } ?? "")
            }
            for (index, row) in table.rows.enumerated() {
                out.append(pad(row, width) + (table.cells[index] + [table.rowTotals[index]]).map { pad(cell($0), 14) }.joined())
            }
            out.append(pad("all", width) + (table.periodTotals + [table.total]).map { pad(cell($0), 14) }.joined())
            for reason in withheld.sorted() { out.append("  * \(reason)") }
        }
        return out.joined(separator: "\n")
    }

    static func format(_ value: Double) -> String { abs(value) >= 100 ? String(format: "%.0f", value) : String(format: "%.1f", value) }

    static func pad(_ text: String, _ width: Int) -> String { text.count >= width ? text + " " : text + String(repeating: " ", count: width - text.count) }
}
