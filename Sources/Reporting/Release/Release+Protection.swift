extension Release {
    /// Which protections run; all of them in a release, fewer in tests that show what each adds.
    struct Rules {
        /// The subtables share one withheld set (HiTaS); when false, each subtable is protected
        /// on its own, as a report was before, and the release withholds the union.
        var linked = true
        /// The line rule (see `protect`).
        var lineRule = true
        /// Complementary suppression at all; when false, only the small cells are withheld.
        var complementary = true
    }

    /// The withheld cells of a release (HiTaS-style: de Wolf 2002, the method of τ-ARGUS for
    /// hierarchical tables, with every subtable revisited until none needs more).
    ///
    /// 1. Primary: every cell of 1 to k − 1 in any kind.
    /// 2. Complementary, to a fixpoint: for every kind and every subtable,
    ///    `Suppression.pattern` with the cells withheld so far (by any subtable or kind)
    ///    withheld from the start; what it adds joins the global set. The set only grows, so
    ///    this ends; at the end no subtable, taken with everything withheld, has a withheld
    ///    entry that its own rows and columns give away.
    /// 3. The line rule: in a line (a row or column of a subtable) whose total is published,
    ///    the withheld parts together are the total less the published parts — known exactly,
    ///    whatever cycles they lie on. Where they sum to 1 to k − 1 in some kind, that group of
    ///    patients is disclosed; the cheapest non-zero published part of the line is withheld
    ///    (published counts are 0 or at least k in every kind, so one part is enough, and it
    ///    never makes another line's withheld sum small), and step 2 runs again.
    ///
    /// With earlier versions (`changes`, one per version), the differences between the new
    /// version and each are protected in the same way, as tables of their own over the same
    /// lines (de Wolf's HiTaS applied to the table of changes): a cell whose change from a
    /// version that published it is 1 to k − 1 patients either way is withheld (primary); in
    /// every subtable no cell whose change is unknown — withheld now or then — is left a
    /// bridge (`Suppression.differenceCycles`), so neither a small change nor a value a version
    /// withheld can be worked out from the two; and the line rule holds for the changes.
    /// Only the new version withholds more: what was published stays published.
    ///
    /// Every step only adds cells, so the whole ends.
    /// A change since a version is small below the stricter of the two versions' k. `from`:
    /// cells withheld from the start (a face published before, checked again).
    static func protect(
        layout: ReleaseLayout, counts: [[ReleaseCell: Int]], k: Int, rules: Rules, changes versions: [ReleaseChanges] = [],
        from start: Set<ReleaseCell> = []
    ) -> [ReleaseCell: Suppression.Reason] {
        var withheld: [ReleaseCell: Suppression.Reason] = [:]
        for cell in start { withheld[cell] = .complementary }
        for kind in counts {
            for (cell, count) in kind where (1..<k).contains(count) { withheld[cell] = .smallCell }
        }
        for version in versions {
            for kind in version.changes {
                for (cell, change) in kind where withheld[cell] == nil && (1..<max(k, version.k)).contains(abs(change)) {
                    withheld[cell] = .complementary
                }
            }
        }
        guard rules.complementary else { return withheld }
        let tables = layout.subtables.map { subtable in (subtable, counts.map(subtable.innerCounts)) }
        guard rules.linked else {
            for (subtable, kinds) in tables {
                for entry in Suppression.jointPattern(kinds, k: k).entries where withheld[subtable.cell(entry)] == nil {
                    withheld[subtable.cell(entry)] = .complementary
                }
            }
            return withheld
        }
        repeat {
            var grown = true
            while grown {
                grown = false
                for (subtable, kinds) in tables {
                    for kind in kinds {
                        let given = Set(subtable.entries.filter { withheld[subtable.cell($0)] != nil })
                        for entry in Suppression.pattern(kind, k: k, withheld: given).entries where withheld[subtable.cell(entry)] == nil {
                            withheld[subtable.cell(entry)] = .complementary
                            grown = true
                        }
                    }
                    for version in versions {
                        let hidden = Set(subtable.entries.filter { version.isHidden(subtable.cell($0), withheld) })
                        for entry in Suppression.differenceCycles(costs: kinds[0], withheld: hidden, zeroCost: k) {
                            withheld[subtable.cell(entry)] = .complementary
                            grown = true
                        }
                    }
                }
            }
        } while rules.lineRule
            && (applyLineRule(layout: layout, counts: counts, k: k, withheld: &withheld)
                || applyChangeLineRule(layout: layout, counts: counts, k: k, versions: versions, withheld: &withheld))
        return withheld
    }

    /// The line rule for the changes since each earlier version: in a line whose total's
    /// change is known, the parts whose change is unknown changed by the total's change less
    /// the known parts'; where that is 1 to k − 1 either way in some kind, the cheapest part
    /// whose change is known and not zero is withheld (the total if there is none). Returns
    /// whether it withheld anything.
    static func applyChangeLineRule(
        layout: ReleaseLayout, counts: [[ReleaseCell: Int]], k: Int, versions: [ReleaseChanges], withheld: inout [ReleaseCell: Suppression.Reason]
    ) -> Bool {
        var added = false
        for version in versions {
            for line in layout.lines {
                for (index, changes) in version.changes.enumerated() {
                    guard !version.isHidden(line.total, withheld), let total = changes[line.total] else { continue }
                    let known = line.parts.filter { !version.isHidden($0, withheld) }
                    guard known.count < line.parts.count else { continue }
                    let hidden = total - known.reduce(0) { $0 + (changes[$1] ?? 0) }
                    guard (1..<max(k, version.k)).contains(abs(hidden)) else { continue }
                    let cost = { (cell: ReleaseCell) in counts[index][cell] ?? 0 }
                    let cheapest = known.filter { (changes[$0] ?? 0) != 0 }.min { (cost($0), $0) < (cost($1), $1) }
                    withheld[cheapest ?? line.total] = .complementary
                    added = true
                }
            }
        }
        return added
    }

    /// Withholds, in every line whose total is published and whose withheld parts sum to 1 to
    /// k − 1 in some kind, the cheapest non-zero published part in that kind (the total if
    /// there is none). Returns whether it withheld anything.
    static func applyLineRule(layout: ReleaseLayout, counts: [[ReleaseCell: Int]], k: Int, withheld: inout [ReleaseCell: Suppression.Reason]) -> Bool {
        var added = false
        for line in layout.lines where withheld[line.total] == nil {
            for kind in counts where withheld[line.total] == nil {
                let hidden = line.parts.filter { withheld[$0] != nil }.reduce(0) { $0 + (kind[$1] ?? 0) }
                guard (1..<k).contains(hidden) else { continue }
                let cheapest = line.parts.filter { withheld[$0] == nil && (kind[$0] ?? 0) > 0 }
                    .min { ((kind[$0] ?? 0), $0) < ((kind[$1] ?? 0), $1) }
                withheld[cheapest ?? line.total] = .complementary
                added = true
            }
        }
        return added
    }
}
