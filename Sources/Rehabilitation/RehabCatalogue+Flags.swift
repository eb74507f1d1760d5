/// The catalogue's flag vocabulary: a stay may carry only the flags the catalogue declares, so
/// a misspelt flag is refused instead of silently matching no contraindication rule.
extension RehabCatalogue {
    /// The flags a stay may carry, in the catalogue's order.
    public var flagIDs: [String] { flags.map(\.id) }

    /// The first flag of `list` the catalogue does not declare, with its position.
    public func firstUnknownFlag(in list: [String]) -> (index: Int, flag: String)? {
        let known = Set(flagIDs)
        return list.enumerated().first { !known.contains($0.element) }.map { ($0.offset, $0.element) }
    }

    /// Why `flag` is refused, naming it and every flag that is allowed.
    public func unknownFlagMessage(_ flag: String) -> String {
        "\(flag) is not a flag of the rehab catalogue \(version); allowed: \(flagIDs.joined(separator: ", "))"
    }
}
