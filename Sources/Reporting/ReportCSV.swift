import Foundation

/// Indicator tables as CSV (RFC 4180: CRLF line ends), one line per published or withheld
/// value: indicator, unit, row and its name, period ("all" for a row's total, row "all" for a
/// period's total), n, value, q1, q3, the shares of a distribution ("/"-separated), a
/// therapy's minutes prescribed per day and the delivered share of them (%), and whether and
/// why it is withheld.
///
/// Two dialects: `.standard` (`,` and a decimal point, for R, pandas and databases) and
/// `.excel` (`;`, a decimal comma and a UTF-8 byte-order mark, as Excel set to Swedish opens
/// in columns). A text field that a spreadsheet would take for a formula (it starts with `=`,
/// `+`, `-`, `@`, a tab or a carriage return) is prefixed with `'` (OWASP, CSV injection).
public enum ReportCSV {
    public enum Dialect: String, Sendable, CaseIterable {
        case standard, excel

        var separator: String { self == .excel ? ";" : "," }
        var decimal: String { self == .excel ? "," : "." }
    }

    public static let columns = [
        "indicator", "unit", "row", "row_name", "period", "n", "value", "q1", "q3", "shares", "prescribed", "percent_of_prescribed", "suppressed", "reason",
    ]

    /// The CSV of `tables`, rows named by `rowNames` (a row without a name: its key).
    public static func render(_ tables: [IndicatorTable], rowNames: [String: String] = [:], dialect: Dialect = .standard) -> String {
        let separator = dialect.separator
        var lines = [columns.joined(separator: separator)]
        for table in tables {
            func line(_ row: String, _ period: String, _ value: ReportValue) {
                let text = [table.indicator.id, table.indicator.unit, row, row == "all" ? "" : rowNames[row] ?? row, period].map(escaped)
                let numbers: [String] = [
                    value.n.map(String.init) ?? "",
                    number(value.value, dialect), number(value.q1, dialect), number(value.q3, dialect),
                    value.shares.map { $0.map { number($0, dialect, digits: 1) }.joined(separator: "/") } ?? "",
                    number(value.prescribed, dialect), number(value.percentOfPrescribed, dialect),
                ]
                let fields = text + numbers + [value.suppressed == true ? "true" : "false", escaped(value.reason ?? "")]
                lines.append(fields.map { quoted($0, separator: separator) }.joined(separator: separator))
            }
            for (r, row) in table.rows.enumerated() {
                for (p, period) in table.periods.enumerated() { line(row, period, table.cells[r][p]) }
                line(row, "all", table.rowTotals[r])
            }
            for (p, period) in table.periods.enumerated() { line("all", period, table.periodTotals[p]) }
            line("all", "all", table.total)
        }
        return (dialect == .excel ? "\u{FEFF}" : "") + lines.joined(separator: "\r\n") + "\r\n"
    }

    static func number(_ value: Double?, _ dialect: Dialect, digits: Int = 2) -> String {
        guard let value, value.isFinite else { return "" }
        let text = String(format: "%.\(digits)f", value)
        return dialect.decimal == "." ? text : text.replacingOccurrences(of: ".", with: dialect.decimal)
    }

    /// A text field a spreadsheet would run as a formula, made inert with a leading `'`.
    static func escaped(_ field: String) -> String {
        guard let first = field.unicodeScalars.first, ["=", "+", "-", "@", "\t", "\r"].contains(first) else { return field }
        return "'" + field
    }

    /// A field quoted when it holds the separator, a quote or a line break.
    static func quoted(_ field: String, separator: String) -> String {
        guard field.contains(separator) || field.contains(where: { $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return field }
        return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
