/// What one version of a release published: its k, the cells it withheld, and every kind's
/// count in every other cell of its layout. A region keeps the face of every version it has
/// published (`report_release_versions`), and a later version is protected against each
/// (`Release.init(layout:counts:k:earlier:)`): an attacker may hold them all.
public struct PublishedRelease: Sendable, Equatable, Codable {
    public let k: Int
    public let withheld: Set<ReleaseCell>
    /// By kind, the published counts (every cell of the layout that is not withheld).
    public let values: [String: [ReleaseCell: Int]]

    /// The face of `release`.
    public init(_ release: Release) {
        k = release.k
        withheld = Set(release.withheld.keys)
        values = release.counts.mapValues { $0.filter { release.withheld[$0.key] == nil } }
    }

    /// What this version told of `cell`'s count of `kind`: its published count; 0 for a cell
    /// outside its layout (a row or year without counts then, which the layout showed); nil
    /// when it withheld the cell or did not publish the kind.
    func told(_ kind: String, _ cell: ReleaseCell) -> Int? {
        guard !withheld.contains(cell), let published = values[kind] else { return nil }
        return published[cell] ?? 0
    }

    private enum CodingKeys: String, CodingKey {
        case k, withheld, values
    }

    /// Cells are written as their description (`H1 2024-01`).
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        k = try container.decode(Int.self, forKey: .k)
        func cell(_ text: String) throws -> ReleaseCell {
            guard let cell = ReleaseCell(description: text) else {
                throw DecodingError.dataCorruptedError(forKey: .withheld, in: container, debugDescription: "\(text) is not a release cell")
            }
            return cell
        }
        withheld = Set(try container.decode([String].self, forKey: .withheld).map(cell))
        var values: [String: [ReleaseCell: Int]] = [:]
        for (kind, counts) in try container.decode([String: [String: Int]].self, forKey: .values) {
            values[kind] = try Dictionary(counts.map { (try cell($0.key), $0.value) }) { _, _ in
                throw DecodingError.dataCorruptedError(forKey: .values, in: container, debugDescription: "a cell is named twice")
            }
        }
        self.values = values
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(k, forKey: .k)
        try container.encode(withheld.map(\.description).sorted(), forKey: .withheld)
        try container.encode(values.mapValues { counts in Dictionary(uniqueKeysWithValues: counts.map { ($0.key.description, $0.value) }) }, forKey: .values)
    }
}
