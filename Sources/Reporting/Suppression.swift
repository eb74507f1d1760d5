/// Small-cell suppression of a two-way table of counts published with its row totals,
/// column totals and grand total (docs/reporting.md).
///
/// The table is taken with its margins as one (rows + 1) × (columns + 1) table whose totals
/// are negated, so that every row and column sums to zero. A suppressed entry can then be
/// recovered exactly from the published ones exactly when it is a bridge of the bipartite
/// graph (row and column nodes, an edge per suppressed entry): an entry on a cycle can move
/// by ±1 around the cycle, every other entry published unchanged, and since suppressed
/// entries are at least 1 the moved table is as possible as the true one. So: primary
/// suppression of every entry based on 1 to k − 1 patients, then, while a suppressed entry is
/// a bridge, the cheapest path of non-zero entries that closes a cycle through it is
/// suppressed too (complementary suppression), inner cells before totals, the grand total last.
public enum Suppression {
    /// Why an entry is not published.
    public enum Reason: String, Sendable, Codable, Equatable {
        /// Based on fewer than k patients.
        case smallCell = "small-cell"
        /// Hidden so that a small cell cannot be worked out from the published entries.
        case complementary
    }

    /// The pattern of a table: a reason per inner cell, per row total, per column total, and
    /// for the grand total; nil where the entry is published.
    public struct Pattern: Sendable, Equatable {
        public var cells: [[Reason?]]
        public var rowTotals: [Reason?]
        public var columnTotals: [Reason?]
        public var grandTotal: Reason?

        /// The withheld entries, in the coordinates of the table with its totals.
        public var entries: Set<Entry> {
            var entries = Set<Entry>()
            let rows = cells.count
            let columns = columnTotals.count
            for r in 0..<rows {
                for c in 0..<columns where cells[r][c] != nil { entries.insert(Entry(row: r, column: c)) }
                if rowTotals[r] != nil { entries.insert(Entry(row: r, column: columns)) }
            }
            for c in 0..<columns where columnTotals[c] != nil { entries.insert(Entry(row: rows, column: c)) }
            if grandTotal != nil { entries.insert(Entry(row: rows, column: columns)) }
            return entries
        }

        func reason(_ entry: Entry) -> Reason? {
            let rows = cells.count
            let columns = columnTotals.count
            switch (entry.row == rows, entry.column == columns) {
            case (false, false): return cells[entry.row][entry.column]
            case (false, true): return rowTotals[entry.row]
            case (true, false): return columnTotals[entry.column]
            case (true, true): return grandTotal
            }
        }

        mutating func set(_ entry: Entry, _ reason: Reason) {
            let rows = cells.count
            let columns = columnTotals.count
            switch (entry.row == rows, entry.column == columns) {
            case (false, false): cells[entry.row][entry.column] = reason
            case (false, true): rowTotals[entry.row] = reason
            case (true, false): columnTotals[entry.column] = reason
            case (true, true): grandTotal = reason
            }
        }
    }

    /// The suppression pattern of `counts` (rows of equal length, counts ≥ 0) for threshold `k`;
    /// `withheld` entries (of the table with its totals: row `rows` and column `columns` are the
    /// totals) are withheld from the start, as when another table published beside it withholds them.
    public static func pattern(_ counts: [[Int]], k: Int, withheld: Set<Entry> = []) -> Pattern {
        let rows = counts.count
        let columns = counts.first?.count ?? 0
        var table = Augmented(counts)
        for r in 0...rows {
            for c in 0...columns where table.values[r][c] > 0 && table.values[r][c] < k {
                table.reasons[r][c] = .smallCell
            }
        }
        for entry in withheld where entry.row <= rows && entry.column <= columns && table.reasons[entry.row][entry.column] == nil {
            table.reasons[entry.row][entry.column] = .complementary
        }
        // A path exists for a non-zero entry (its row and column totals and the grand total are
        // non-zero and close a cycle through it); a withheld zero (withheld for another table
        // or kind) may have none, and is passed over so that every other bridge is still closed.
        var unclosable = Set<Entry>()
        while let bridge = table.firstBridge(excluding: unclosable) {
            guard let path = table.cheapestPath(closing: bridge) else {
                unclosable.insert(bridge)
                continue
            }
            for entry in path where table.reasons[entry.row][entry.column] == nil {
                table.reasons[entry.row][entry.column] = .complementary
            }
        }
        return Pattern(
            cells: (0..<rows).map { r in Array(table.reasons[r].prefix(columns)) },
            rowTotals: (0..<rows).map { table.reasons[$0][columns] },
            columnTotals: (0..<columns).map { table.reasons[rows][$0] }, grandTotal: table.reasons[rows][columns])
    }

    /// The entries to withhold, besides `withheld`, so that no withheld entry of a table of
    /// *differences* (a later version of a table less an earlier one) can be worked out from
    /// the others: the same cycles as `pattern`, but a difference has no floor, so any entry,
    /// a zero too, can close one. `costs` (the later version's counts, rows of equal length)
    /// price what withholding an entry costs its readers; a zero is priced as `zeroCost`.
    static func differenceCycles(costs: [[Int]], withheld: Set<Entry>, zeroCost: Int) -> Set<Entry> {
        var table = Augmented(costs, zeroCost: max(1, zeroCost))
        for entry in withheld where entry.row <= table.rows && entry.column <= table.columns {
            table.reasons[entry.row][entry.column] = .complementary
        }
        var added = Set<Entry>()
        while let bridge = table.firstBridge(excluding: []), let path = table.cheapestPath(closing: bridge) {
            for entry in path where table.reasons[entry.row][entry.column] == nil {
                table.reasons[entry.row][entry.column] = .complementary
                added.insert(entry)
            }
        }
        return added
    }

    /// An entry of the table with its totals (row `rows` and column `columns` hold the totals).
    public struct Entry: Hashable, Sendable {
        public var row: Int
        public var column: Int

        public init(row: Int, column: Int) {
            self.row = row
            self.column = column
        }
    }

    /// One pattern for tables published side by side whose counts are linked (a rate's
    /// numerator is another table's population; an interval's known count plus its missing
    /// count is the population): every table withholds the union of the entries any of them
    /// withholds, grown until each table, with that union withheld, needs nothing more.
    /// `withheld` entries are withheld from the start (what a fixed release does not give).
    public static func jointPattern(_ tables: [[[Int]]], k: Int, withheld: Set<Entry> = []) -> Pattern {
        guard let first = tables.first else { return pattern([], k: k, withheld: withheld) }
        var union = withheld
        while true {
            var grown = union
            for table in tables { grown.formUnion(pattern(table, k: k, withheld: union).entries) }
            if grown == union { break }
            union = grown
        }
        var joint = pattern(first, k: k, withheld: union)
        // A small cell of any table is small in the joint pattern too.
        for table in tables.dropFirst() {
            let own = pattern(table, k: k)
            for entry in own.entries where own.reason(entry) == .smallCell { joint.set(entry, .smallCell) }
        }
        return joint
    }

    /// The table with its totals in the last row and column.
    struct Augmented {
        var values: [[Int]]
        var reasons: [[Reason?]]
        let rows: Int
        let columns: Int
        /// The cost of hiding a zero; nil when a zero cannot be hidden (it is published as zero
        /// and cannot move down).
        let zeroCost: Int?

        init(_ counts: [[Int]], zeroCost: Int? = nil) {
            self.zeroCost = zeroCost
            rows = counts.count
            columns = counts.first?.count ?? 0
            values = counts.map { $0 + [$0.reduce(0, +)] }
            let totals = (0..<columns).map { c in counts.reduce(0) { $0 + $1[c] } }
            values.append(totals + [totals.reduce(0, +)])
            reasons = Array(repeating: Array(repeating: nil, count: columns + 1), count: rows + 1)
        }

        /// The cost of hiding an entry: its count (or `zeroCost` for a zero), ten times for a
        /// total, a thousand times for the grand total; nil for a zero without a `zeroCost`.
        func cost(_ entry: Entry) -> Int? {
            let count = values[entry.row][entry.column]
            guard let value = count > 0 ? count : zeroCost else { return nil }
            if reasons[entry.row][entry.column] != nil { return 0 }
            let isRowTotal = entry.column == columns
            let isColumnTotal = entry.row == rows
            return isRowTotal && isColumnTotal ? value * 1_000 : (isRowTotal || isColumnTotal ? value * 10 : value)
        }

        /// A suppressed entry, other than those `excluding`, that is a bridge of the graph of
        /// suppressed entries.
        func firstBridge(excluding: Set<Entry>) -> Entry? {
            // Nodes: rows 0...rows, then columns rows+1 ... rows+1+columns.
            let nodeCount = rows + columns + 2
            var adjacency = Array(repeating: [(node: Int, edge: Entry)](), count: nodeCount)
            for r in 0...rows {
                for c in 0...columns where reasons[r][c] != nil {
                    let entry = Entry(row: r, column: c)
                    adjacency[r].append((rows + 1 + c, entry))
                    adjacency[rows + 1 + c].append((r, entry))
                }
            }
            var order = Array(repeating: -1, count: nodeCount)
            var low = Array(repeating: 0, count: nodeCount)
            var counter = 0
            for start in 0..<nodeCount where order[start] < 0 && !adjacency[start].isEmpty {
                // Iterative depth-first search: (node, the edge it was reached by, next neighbour index).
                var stack: [(node: Int, via: Entry?, next: Int)] = [(start, nil, 0)]
                order[start] = counter
                low[start] = counter
                counter += 1
                while var top = stack.popLast() {
                    if top.next < adjacency[top.node].count {
                        let (neighbour, edge) = adjacency[top.node][top.next]
                        top.next += 1
                        stack.append(top)
                        if edge == top.via { continue }
                        if order[neighbour] < 0 {
                            order[neighbour] = counter
                            low[neighbour] = counter
                            counter += 1
                            stack.append((neighbour, edge, 0))
                        } else {
                            low[top.node] = min(low[top.node], order[neighbour])
                        }
                    } else if let parent = stack.last {
                        low[parent.node] = min(low[parent.node], low[top.node])
                        if low[top.node] > order[parent.node], let edge = top.via, !excluding.contains(edge) { return edge }
                    }
                }
            }
            return nil
        }

        /// The cheapest path of entries, other than `bridge`, from its row to its column
        /// (Dijkstra over the non-zero entries).
        func cheapestPath(closing bridge: Entry) -> [Entry]? {
            let nodeCount = rows + columns + 2
            let source = bridge.row
            let target = rows + 1 + bridge.column
            var distance = Array(repeating: Int.max, count: nodeCount)
            var previous = Array(repeating: (node: -1, entry: Entry(row: -1, column: -1)), count: nodeCount)
            var done = Array(repeating: false, count: nodeCount)
            distance[source] = 0
            while let node = (0..<nodeCount).filter({ !done[$0] && distance[$0] < Int.max }).min(by: { distance[$0] < distance[$1] }) {
                done[node] = true
                if node == target { break }
                let neighbours: [(Int, Entry)] =
                    node <= rows
                    ? (0...columns).map { (rows + 1 + $0, Entry(row: node, column: $0)) }
                    : (0...rows).map { ($0, Entry(row: $0, column: node - rows - 1)) }
                for (next, entry) in neighbours where entry != bridge && !done[next] {
                    guard let cost = cost(entry), distance[node] + cost < distance[next] else { continue }
                    distance[next] = distance[node] + cost
                    previous[next] = (node, entry)
                }
            }
            guard distance[target] < Int.max else { return nil }
            var path: [Entry] = []
            var node = target
            while node != source {
                path.append(previous[node].entry)
                node = previous[node].node
            }
            return path
        }
    }
}
