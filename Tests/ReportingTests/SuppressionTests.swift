import Clinical
import Foundation
import Testing

@testable import Reporting

/// Small-cell suppression: every cell of 1 to k − 1 patients is hidden, zeros are shown, and
/// no hidden entry can be worked out from the published cells and totals — checked by
/// solving for it.
@Suite struct SuppressionTests {
    /// The hidden entries of the augmented table that the published ones determine: those
    /// whose unit vector lies in the row space of the equations (every row and column of the
    /// table with its totals sums to its total) restricted to the hidden entries.
    static func recoverable(_ counts: [[Int]], hidden: Set<[Int]>) -> [[Int]] {
        let rows = counts.count
        let columns = counts.first?.count ?? 0
        let unknowns = hidden.sorted { ($0[0], $0[1]) < ($1[0], $1[1]) }
        let index = Dictionary(uniqueKeysWithValues: unknowns.enumerated().map { ($1, $0) })
        var equations: [[Double]] = []
        func equation(_ terms: [([Int], Double)]) {
            var row = Array(repeating: 0.0, count: unknowns.count)
            for (entry, sign) in terms { if let column = index[entry] { row[column] += sign } }
            if row.contains(where: { $0 != 0 }) { equations.append(row) }
        }
        for r in 0..<rows { equation((0..<columns).map { ([r, $0], 1.0) } + [([r, columns], -1)]) }
        for c in 0..<columns { equation((0..<rows).map { ([$0, c], 1.0) } + [([rows, c], -1)]) }
        equation((0..<columns).map { ([rows, $0], 1.0) } + [([rows, columns], -1)])
        equation((0..<rows).map { ([$0, columns], 1.0) } + [([rows, columns], -1)])
        let base = rank(equations)
        return unknowns.filter { entry in
            var unit = Array(repeating: 0.0, count: unknowns.count)
            unit[index[entry] ?? 0] = 1
            return rank(equations + [unit]) == base
        }
    }

    /// The rank of a matrix by Gaussian elimination with partial pivoting.
    static func rank(_ matrix: [[Double]]) -> Int {
        var m = matrix
        var rank = 0
        let columns = m.first?.count ?? 0
        for column in 0..<columns where rank < m.count {
            guard let pivot = (rank..<m.count).max(by: { abs(m[$0][column]) < abs(m[$1][column]) }), abs(m[pivot][column]) > 1e-9 else { continue }
            m.swapAt(rank, pivot)
            for row in 0..<m.count where row != rank {
                let factor = m[row][column] / m[rank][column]
                if factor != 0 { for c in column..<columns { m[row][c] -= factor * m[rank][c] } }
            }
            rank += 1
        }
        return rank
    }

    static func hidden(_ pattern: Suppression.Pattern) -> Set<[Int]> {
        var hidden = Set<[Int]>()
        let rows = pattern.cells.count
        let columns = pattern.columnTotals.count
        for r in 0..<rows {
            for c in 0..<columns where pattern.cells[r][c] != nil { hidden.insert([r, c]) }
            if pattern.rowTotals[r] != nil { hidden.insert([r, columns]) }
        }
        for c in 0..<columns where pattern.columnTotals[c] != nil { hidden.insert([rows, c]) }
        if pattern.grandTotal != nil { hidden.insert([rows, columns]) }
        return hidden
    }

    /// A withheld zero that no path can close (withheld for another table, its row and column
    /// empty) is passed over: the small cell beside it is still protected.
    @Test func aWithheldZeroWithoutAPathDoesNotStopTheRest() {
        let pattern = Suppression.pattern([[0, 0, 0], [0, 3, 20], [0, 20, 20]], k: 10, withheld: [Suppression.Entry(row: 0, column: 0)])
        let entries = pattern.entries
        #expect(pattern.reason(Suppression.Entry(row: 1, column: 1)) == .smallCell)
        #expect(entries.filter { $0.row == 1 }.count >= 2 && entries.filter { $0.column == 1 }.count >= 2, "the 3 is on a cycle: \(entries)")
    }

    @Test func noSuppressedCellCanBeSolvedFor() {
        var generator = SeededRandom(seed: 42)
        var primaryOnlyLeaks = 0
        var tablesWithSuppression = 0
        for _ in 0..<300 {
            let rows = Int.random(in: 1...8, using: &generator)
            let columns = Int.random(in: 1...8, using: &generator)
            let counts = (0..<rows).map { _ in
                (0..<columns).map { _ in
                    switch Int.random(in: 0..<10, using: &generator) {
                    case 0: 0
                    case 1...4: Int.random(in: 1...9, using: &generator)
                    default: Int.random(in: 10...80, using: &generator)
                    }
                }
            }
            let k = [5, 10, 20].randomElement(using: &generator) ?? 10
            let pattern = Suppression.pattern(counts, k: k)
            let hidden = Self.hidden(pattern)
            #expect(Self.recoverable(counts, hidden: hidden).isEmpty, "\(counts) k \(k): \(pattern)")
            for r in 0..<rows {
                for c in 0..<columns {
                    if (1..<k).contains(counts[r][c]) { #expect(pattern.cells[r][c] == .smallCell) }
                    if counts[r][c] == 0 { #expect(pattern.cells[r][c] == nil, "a zero is published") }
                }
            }
            // The check can fail: primary suppression alone leaves cells to be solved for.
            let primary = Set(
                hidden.filter { entry in
                    entry[0] < rows && entry[1] < columns ? (1..<k).contains(counts[entry[0]][entry[1]]) : false
                })
            if !primary.isEmpty {
                tablesWithSuppression += 1
                if !Self.recoverable(counts, hidden: primary).isEmpty { primaryOnlyLeaks += 1 }
            }
        }
        #expect(tablesWithSuppression > 100 && primaryOnlyLeaks > 50, "\(primaryOnlyLeaks) of \(tablesWithSuppression)")
    }

    @Test func aSingleSmallCellTakesTheCheapestCompanions() {
        let counts = [[3, 40, 50], [30, 41, 60], [12, 70, 80]]
        let pattern = Suppression.pattern(counts, k: 10)
        #expect(pattern.cells[0][0] == .smallCell)
        // The cheapest cycle through it hides 40 + 41 + 30 patients (row 2 would cost 40 + 70 + 12).
        #expect(
            pattern.cells[1][0] == .complementary && pattern.cells[0][1] == .complementary && pattern.cells[1][1] == .complementary,
            "\(pattern.cells)")
        #expect(pattern.cells[2].allSatisfy { $0 == nil } && pattern.cells[0][2] == nil && pattern.cells[1][2] == nil)
        #expect(pattern.rowTotals.allSatisfy { $0 == nil } && pattern.columnTotals.allSatisfy { $0 == nil } && pattern.grandTotal == nil)
        let clean = Suppression.pattern([[30, 40], [50, 60]], k: 10)
        #expect(clean.cells.joined().allSatisfy { $0 == nil })
    }

    /// Linked tables (followed-up patients among all episodes) withhold one joint pattern:
    /// every small cell of either is withheld in both, and neither table lets a withheld entry
    /// be solved for.
    @Test func linkedTablesWithholdOneJointPattern() {
        var generator = SeededRandom(seed: 7)
        for _ in 0..<100 {
            let rows = Int.random(in: 1...6, using: &generator)
            let columns = Int.random(in: 1...6, using: &generator)
            let episodes = (0..<rows).map { _ in (0..<columns).map { _ in Int.random(in: 0...40, using: &generator) } }
            let followed = episodes.map { $0.map { Int(Double($0) * Double.random(in: 0.5...1, using: &generator)) } }
            let joint = Suppression.jointPattern([episodes, followed], k: 10)
            let hidden = Self.hidden(joint)
            for table in [episodes, followed] {
                #expect(Self.recoverable(table, hidden: hidden).isEmpty, "\(table)")
                for r in 0..<rows { for c in 0..<columns where (1..<10).contains(table[r][c]) { #expect(hidden.contains([r, c])) } }
            }
        }
    }
}
