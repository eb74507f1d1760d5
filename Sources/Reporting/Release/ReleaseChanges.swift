/// How a new version of a release differs from an earlier one, as someone holding both sees
/// it: a cell's change is known where both versions publish it (a cell outside the earlier
/// version's layout had 0, which that layout showed), unknown where either withholds it.
struct ReleaseChanges {
    /// The cells the earlier version withheld: their change is unknown whatever the new one does.
    let withheldBefore: Set<ReleaseCell>
    /// The earlier version's k: a change below it is small too (a lower k later does not
    /// loosen what that version protected).
    let k: Int
    /// By kind, in the order of the kinds' names, the change of every cell of the new layout
    /// the earlier version told (empty for a kind it did not publish).
    let changes: [[ReleaseCell: Int]]

    init(layout: ReleaseLayout, counts: [String: [ReleaseCell: Int]], since earlier: PublishedRelease) {
        withheldBefore = earlier.withheld
        k = earlier.k
        changes = counts.keys.sorted().map { kind in
            var changes: [ReleaseCell: Int] = [:]
            for cell in layout.cells {
                if let before = earlier.told(kind, cell) { changes[cell] = (counts[kind]?[cell] ?? 0) - before }
            }
            return changes
        }
    }

    /// Whether the change of `cell` is unknown with `withheld` withheld in the new version.
    func isHidden(_ cell: ReleaseCell, _ withheld: [ReleaseCell: Suppression.Reason]) -> Bool {
        withheld[cell] != nil || withheldBefore.contains(cell)
    }
}
