/// What a refresh of the report cells counted and did.
public struct ReportRefresh: Sendable, Equatable, Codable {
    /// Episodes in the cells, and rehab episodes (a patient's stays at one site for one stroke).
    public var episodes: Int
    public var stays: Int
    /// Episodes counted again: those changed since the last refresh, or all of them.
    public var recomputed: Int
    /// Whether every episode was counted again: asked for, or the database's decision (the first
    /// refresh, a changed follow-up window, an organisation moved, a bulk load, the facts lost
    /// in a crash or a failover).
    public var whole: Bool
    /// Whether rehabilitation was counted again: at a whole rebuild, and when what it counts may
    /// have changed (`report_rehab_unchanged`, migration 0019), the date or a session's end included.
    public var rehab: Bool

    /// The API's names (`refreshReports`).
    enum CodingKeys: String, CodingKey {
        case episodes = "episodesCounted"
        case stays = "staysCounted"
        case recomputed = "episodesRecomputed"
        case whole
        case rehab = "rehabRecounted"
    }

    public init(episodes: Int, stays: Int, recomputed: Int, whole: Bool, rehab: Bool) {
        self.episodes = episodes
        self.stays = stays
        self.recomputed = recomputed
        self.whole = whole
        self.rehab = rehab
    }
}
