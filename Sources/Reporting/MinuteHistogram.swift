/// Intervals in minutes counted by bin (exact minutes below 3 hours, 10-minute bins to 24 hours,
/// one bin for 24 hours and more; SQL `report_minute_bin`): quantiles and shares within a
/// threshold, as published.
public struct MinuteHistogram: Sendable, Equatable {
    /// Episodes per bin, by the bin's lower bound in minutes.
    public private(set) var bins: [Int: Int] = [:]

    public init() {}

    public var count: Int { bins.values.reduce(0, +) }

    public mutating func add(minutes: Int, episodes: Int) {
        bins[minutes, default: 0] += episodes
    }

    /// Adds bins given as two parallel arrays (as the report reads them).
    public mutating func add(minutes: [Int], episodes: [Int]) {
        for (minutes, episodes) in zip(minutes, episodes) { add(minutes: minutes, episodes: episodes) }
    }

    public mutating func add(_ other: MinuteHistogram) {
        for (minutes, episodes) in other.bins { add(minutes: minutes, episodes: episodes) }
    }

    /// The `p` quantile (0…1) as the value below which a share p of the episodes lies,
    /// interpolated between neighbouring ordered values as PostgreSQL's `percentile_cont`;
    /// an episode in a 10-minute bin counts at the bin's middle. Nil when empty.
    public func quantile(_ p: Double) -> Double? {
        let total = count
        guard total > 0 else { return nil }
        let rank = p * Double(total - 1)
        let below = Int(rank.rounded(.down))
        let share = rank - Double(below)
        guard let low = value(at: below), let high = value(at: min(below + 1, total - 1)) else { return nil }
        return low + (high - low) * share
    }

    /// The share (0…1) of episodes at or within `minutes`; nil when empty.
    public func share(within minutes: Int) -> Double? {
        let total = count
        guard total > 0 else { return nil }
        return Double(bins.filter { Self.upperBound(of: $0.key) <= minutes }.values.reduce(0, +)) / Double(total)
    }

    /// The value of the episode at 0-based position `index` in order.
    private func value(at index: Int) -> Double? {
        var seen = 0
        for minutes in bins.keys.sorted() {
            seen += bins[minutes] ?? 0
            if seen > index { return Self.representative(of: minutes) }
        }
        return nil
    }

    static func width(of bin: Int) -> Int { bin >= 180 && bin < 1_440 ? 10 : 1 }
    static func representative(of bin: Int) -> Double { Double(bin) + Double(width(of: bin) - 1) / 2 }
    static func upperBound(of bin: Int) -> Int { bin + width(of: bin) - 1 }
}
