/// A fixed release: linked counts over one layout of cells, protected once, jointly over the
/// whole period hierarchy.
///
/// Every figure a report publishes is either a published cell of the release or a sum (or
/// difference) of published cells (`rangeTotal(row:months:)`), so any set of reports tells no
/// more than the release, and no two reports can be subtracted into a withheld cell.
///
/// The kinds are the counts that values are based on (episodes, those with an interval
/// known, those followed up): one pattern holds for all of them, a cell withheld in one kind
/// is withheld in every kind. How the pattern is found: `protect`.
public struct Release: Sendable {
    public let layout: ReleaseLayout
    /// The disclosure threshold: counts of 1 to k − 1 are withheld.
    public let k: Int
    /// Every kind's count of every cell, totals derived from the leaves.
    public let counts: [String: [ReleaseCell: Int]]
    /// Why each withheld cell is withheld (small in some kind, or complementary); every
    /// other cell is published, in every kind.
    public let withheld: [ReleaseCell: Suppression.Reason]

    /// Protects `counts` (by kind, the counts of the layout's leaves; totals may be given too
    /// and must agree) for threshold `k`, as a new version of the `earlier` ones (the faces
    /// of every version published before): no difference between this version and any of
    /// them tells a change of 1 to k − 1 patients, nor a value one of them withheld (see
    /// `protect`).
    /// - Throws: `ReleaseError.Code.counts` when there is no kind or a kind's counts do not
    ///   fit the layout.
    public init(layout: ReleaseLayout, counts: [String: [ReleaseCell: Int]], k: Int, earlier: [PublishedRelease] = []) throws {
        try self.init(layout: layout, counts: counts, k: k, rules: Rules(), earlier: earlier)
    }

    /// As the public initialiser, with rules that can be switched off to show what each adds.
    init(layout: ReleaseLayout, counts: [String: [ReleaseCell: Int]], k: Int, rules: Rules, earlier: [PublishedRelease] = []) throws {
        guard !counts.isEmpty else { throw ReleaseError(.counts, "a release needs at least one kind of count") }
        self.layout = layout
        self.k = k
        let complete = try counts.mapValues(layout.complete)
        self.counts = complete
        withheld = Self.protect(
            layout: layout, counts: complete.keys.sorted().compactMap { complete[$0] }, k: k, rules: rules,
            changes: try Self.changes(layout: layout, counts: complete, since: earlier))
    }

    /// A version already published, again: `counts` as before, with the withheld cells of
    /// `face`, provided that is what protecting these counts against `earlier` (the versions
    /// published before it) withholds when it starts from them — a face that publishes more
    /// (a small cell, or a stored face tampered with) is refused.
    /// - Throws: `ReleaseError.Code.counts` when the counts do not fit the layout, or the
    ///   face withholds a cell the layout does not have, publishes a count that is not these
    ///   counts', or is not protected; `ReleaseError.Code.layout` when an earlier version has
    ///   a cell the layout does not.
    public init(layout: ReleaseLayout, counts: [String: [ReleaseCell: Int]], republishing face: PublishedRelease, earlier: [PublishedRelease]) throws {
        guard !counts.isEmpty else { throw ReleaseError(.counts, "a release needs at least one kind of count") }
        self.layout = layout
        k = face.k
        let complete = try counts.mapValues(layout.complete)
        self.counts = complete
        let cells = Set(layout.cells)
        guard face.withheld.isSubset(of: cells), Set(face.values.keys) == Set(complete.keys),
            face.values.allSatisfy({ kind, published in published.allSatisfy { complete[kind]?[$0.key] == $0.value } }),
            face.values.values.allSatisfy({ Set($0.keys).union(face.withheld) == cells })
        else { throw ReleaseError(.counts, "the published version is not a version of these counts") }
        let protected = Self.protect(
            layout: layout, counts: complete.keys.sorted().compactMap { complete[$0] }, k: face.k, rules: Rules(),
            changes: try Self.changes(layout: layout, counts: complete, since: earlier), from: face.withheld)
        guard Set(protected.keys) == face.withheld else { throw ReleaseError(.counts, "the published version does not protect these counts") }
        withheld = protected
    }

    /// The changes since each earlier version.
    /// - Throws: `ReleaseError.Code.layout` when a version has a cell `layout` does not: its
    ///   change could not be protected.
    static func changes(layout: ReleaseLayout, counts: [String: [ReleaseCell: Int]], since earlier: [PublishedRelease]) throws -> [ReleaseChanges] {
        let cells = Set(layout.cells)
        for face in earlier where !face.withheld.isSubset(of: cells) || face.values.values.contains(where: { !Set($0.keys).isSubset(of: cells) }) {
            throw ReleaseError(.layout, "an earlier version has cells this layout does not: every row and year it published must stay")
        }
        return earlier.map { ReleaseChanges(layout: layout, counts: counts, since: $0) }
    }

    /// Why `cell` is withheld; nil when it is published (or not a cell of the release).
    public func reason(_ cell: ReleaseCell) -> Suppression.Reason? { withheld[cell] }

    /// Whether `cell` is a cell of the release and published.
    public func isPublished(_ cell: ReleaseCell) -> Bool { withheld[cell] == nil && counts.values.first?[cell] != nil }

    /// The published count of `kind` in `cell`; nil when withheld or unknown.
    public func value(_ kind: String, _ cell: ReleaseCell) -> Int? {
        withheld[cell] == nil ? counts[kind]?[cell] : nil
    }

    /// The share of `cells` that are published (1 for none).
    public func publishedShare(of cells: [ReleaseCell]) -> Double {
        cells.isEmpty ? 1 : Double(cells.filter(isPublished).count) / Double(cells.count)
    }
}
