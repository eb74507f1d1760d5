/// What the report cells hold for one group of episodes (a hospital in a period, a region,
/// everything): counts per population and numerator, the 90-day mRS grades, and the minute
/// histograms of the intervals.
public struct ReportCounts: Sendable, Equatable {
    public var episodes = 0
    public var ischaemic = 0
    /// Thrombolysed and thrombectomy episodes of any stroke type.
    public var ivt = 0
    public var evt = 0
    /// The ischaemic ones among them, and those with either.
    public var ivtIschaemic = 0
    public var evtIschaemic = 0
    public var reperfusedIschaemic = 0
    public var followedUp = 0
    /// Followed-up episodes per mRS grade 0–6.
    public var mrs = Array(repeating: 0, count: 7)
    /// Episodes with a value of each measure.
    public var known: [String: Int] = [:]
    public var histograms: [String: MinuteHistogram] = [:]

    public init() {}

    public mutating func add(_ other: ReportCounts) {
        episodes += other.episodes
        ischaemic += other.ischaemic
        ivt += other.ivt
        evt += other.evt
        ivtIschaemic += other.ivtIschaemic
        evtIschaemic += other.evtIschaemic
        reperfusedIschaemic += other.reperfusedIschaemic
        followedUp += other.followedUp
        for grade in 0..<7 { mrs[grade] += other.mrs[grade] }
        for (measure, count) in other.known { known[measure, default: 0] += count }
        for (measure, histogram) in other.histograms { histograms[measure, default: MinuteHistogram()].add(histogram) }
    }

    /// The size of a population.
    public func size(_ population: IndicatorCatalogue.Population) -> Int {
        switch population {
        case .allEpisodes: episodes
        case .ischaemic: ischaemic
        case .ivt: ivt
        case .evt: evt
        case .followedUp90: followedUp
        }
    }

    /// A rate's numerator by its name in `IndicatorCatalogue.rateNumerators`.
    func numerator(_ name: String) -> Int {
        switch name {
        case "ivt_ischaemic": ivtIschaemic
        case "evt_ischaemic": evtIschaemic
        case "reperfused_ischaemic": reperfusedIschaemic
        case "followed_up": followedUp
        case "mrs6": mrs[6]
        default: 0
        }
    }
}
