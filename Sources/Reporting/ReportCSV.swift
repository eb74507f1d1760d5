import Foundation

/// Indicator tables as CSV, one line per published or withheld value: indicator, row, period
/// ("all" for a row's total, row "all" for a period's total), n, value, q1, q3, the shares of
/// a distribution (";"-separated), a therapy's minutes prescribed per day and the delivered
/// share of them (%), and whether and why it is withheld.
public enum ReportCSV {
    public static let header = "indicator,unit,row,period,n,value,q1,q3,shares,prescribed,percent_of_prescribed,suppressed,reason"

    public static func render(_ tables: [IndicatorTable]) -> String {
        var lines = [header]
        for table in tables {
            func line(_ row: String, _ period: String, _ value: ReportValue) {
                let fields: [String] = [
                    table.indicator.id, table.indicator.unit, row, period, value.n.map(String.init) ?? "",
                    number(value.value), number(value.q1), number(value.q3),
                    value.shares.map { $0.map { String(format: "%.1f", $0) }.joined(separator: ";") } ?? "",
                    number(value.prescribed), number(value.percentOfPrescribed),
                    value.suppressed == true ? "true" : "false", value.reason ?? "",
                ]
                lines.append(fields.map(quoted).joined(separator: ","))
            }
            for (r, row) in table.rows.enumerated() {
                for (p, period) in table.periods.enumerated() { line(row, period, table.cells[r][p]) }
                line(row, "all", table.rowTotals[r])
            }
            for (p, period) in table.periods.enumerated() { line("all", period, table.periodTotals[p]) }
            line("all", "all", table.total)
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func number(_ value: Double?) -> String {
        guard let value, value.isFinite else { return "" }
        return String(format: "%.2f", value)
    }

    /// A field quoted when it holds a comma, a quote or a line break.
    static func quoted(_ field: String) -> String {
        guard field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" }) else { return field }
        return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
