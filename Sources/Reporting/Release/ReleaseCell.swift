/// A cell of a release: a row (a hospital, a clinic, the region, a stratum value such as
/// `sex=female`) in a period. Cells are keyed globally: the region's year in the units' table
/// and in a stratum table is one cell, published or withheld once.
public struct ReleaseCell: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var row: String
    public var period: ReleasePeriod

    public init(_ row: String, _ period: ReleasePeriod) {
        self.row = row
        self.period = period
    }

    /// `H1 2024-01`.
    public var description: String { "\(row) \(period)" }

    /// The cell a description names (a period has no space: the row is all before the last).
    public init?(description: String) {
        guard let space = description.lastIndex(of: " "), let period = ReleasePeriod(description: String(description[description.index(after: space)...]))
        else { return nil }
        self.init(String(description[..<space]), period)
    }

    /// By row, then by period.
    public static func < (lhs: ReleaseCell, rhs: ReleaseCell) -> Bool {
        lhs.row == rhs.row ? lhs.period < rhs.period : lhs.row < rhs.row
    }
}
