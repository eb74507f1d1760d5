/// One two-way table of a release: inner rows by inner periods, with a total row and a total
/// period (the inner periods' parent). Its (rows + 1) × (columns + 1) entries are cells of the
/// release, in `Suppression`'s coordinates: row `rows.count` is the total row, column
/// `columns.count` the total column.
public struct ReleaseSubtable: Hashable, Sendable {
    public let rows: [String]
    public let totalRow: String
    public let columns: [ReleasePeriod]
    public let totalColumn: ReleasePeriod

    public init(rows: [String], totalRow: String, columns: [ReleasePeriod], totalColumn: ReleasePeriod) {
        self.rows = rows
        self.totalRow = totalRow
        self.columns = columns
        self.totalColumn = totalColumn
    }

    /// The cell at an entry of the table with its totals.
    public func cell(_ entry: Suppression.Entry) -> ReleaseCell {
        ReleaseCell(
            entry.row < rows.count ? rows[entry.row] : totalRow,
            entry.column < columns.count ? columns[entry.column] : totalColumn)
    }

    /// Every entry of the table with its totals, row by row.
    public var entries: [Suppression.Entry] {
        (0...rows.count).flatMap { row in (0...columns.count).map { Suppression.Entry(row: row, column: $0) } }
    }

    /// Every line of the table: each row and each column, the total row and column included.
    public var lines: [ReleaseLine] {
        let rowLines = (0...rows.count).map { row in
            ReleaseLine(
                parts: columns.indices.map { cell(Suppression.Entry(row: row, column: $0)) },
                total: cell(Suppression.Entry(row: row, column: columns.count)))
        }
        let columnLines = (0...columns.count).map { column in
            ReleaseLine(
                parts: rows.indices.map { cell(Suppression.Entry(row: $0, column: column)) },
                total: cell(Suppression.Entry(row: rows.count, column: column)))
        }
        return rowLines + columnLines
    }

    /// The inner counts of the table, for `Suppression.pattern` (cells not counted are 0).
    func innerCounts(_ counts: [ReleaseCell: Int]) -> [[Int]] {
        rows.indices.map { row in columns.indices.map { counts[cell(Suppression.Entry(row: row, column: $0))] ?? 0 } }
    }
}

/// A row or column of a subtable: its total is the sum of its parts.
public struct ReleaseLine: Hashable, Sendable {
    public let parts: [ReleaseCell]
    public let total: ReleaseCell
}
