public import Foundation
public import Postgres
public import Reporting

/// A regional report as served: the indicator tables with their suppression and funnels, when
/// the cells were computed and from how many episodes, the threshold k, and the versions.
public struct RegionalReport: Sendable, Codable, Equatable {
    public var generatedAt: Date
    /// When the report cells were last computed (nil: never).
    public var asOf: Date?
    public var k: Int
    public var indicatorsVersion: String
    public var period: ReportQuery.Period
    public var rows: ReportQuery.Rows
    /// A row's key (an organisation code, or a stratum) and what to call it.
    public var rowNames: [String: String]
    public var tables: [IndicatorTable]
    public var notes: [String]
}

/// Reports read from the report cells only, as the reporting role (`strokepath_planner`),
/// which can read nothing else: no patient row or identifier can come out of a report.
public struct RegionalReports: Sendable {
    public let pool: PostgresPool
    public let catalogue: IndicatorCatalogue

    public init(pool: PostgresPool, catalogue: IndicatorCatalogue) {
        self.pool = pool
        self.catalogue = catalogue
    }

    /// Recomputes the report cells from every episode; returns the episodes counted.
    public func refresh(as context: AccessContext) async throws -> Int {
        let query = Self.refreshQuery(catalogue)
        return try await pool.withAccess(context) { connection in
            try await connection.query(query).single().decode(Int.self, at: 0)
        }
    }

    /// `report_refresh` with the follow-up window of the indicators file.
    public static func refreshQuery(_ catalogue: IndicatorCatalogue) -> PostgresQuery {
        let window = catalogue.followUp.windowDays
        return "SELECT report_refresh(\(Int32(clamping: window.first ?? 0)), \(Int32(clamping: window.last ?? 0)))"
    }

    /// The report for `query`, over the regions and hospitals the caller acts for.
    public func report(_ query: ReportQuery, as context: AccessContext, now: Date = Date()) async throws -> RegionalReport {
        try query.check()
        let catalogue = catalogue
        return try await pool.withAccess(context, readOnly: true) { connection in
            try await connection.query("SET LOCAL ROLE strokepath_planner")
            let regions = try await Self.regions(query.regions, on: connection)
            let disclosure = catalogue.disclosure
            let configured = try await connection.query("""
                SELECT max(report_min_cell)::integer FROM organisations WHERE id = ANY (app_organisation_ids())
                """).first?.decode(Int?.self, at: 0)
            let k = min(max(configured ?? disclosure.defaultK, disclosure.allowedK[0]), disclosure.allowedK[1])
            var counts: [String: [String: ReportCounts]] = [:]
            var labels: [String: String] = [:]
            func period(_ first: String) -> String {
                if let label = labels[first] { return label }
                let label = Self.period(first, query.period)
                labels[first] = label
                return label
            }
            for row in try await connection.query(Self.cellsQuery(query, regions: regions)) {
                var group = ReportCounts()
                (group.episodes, group.ischaemic, group.ivt, group.evt) = (
                    try row.decode(Int.self, at: 2), try row.decode(Int.self, at: 3), try row.decode(Int.self, at: 4), try row.decode(Int.self, at: 5))
                (group.ivtIschaemic, group.evtIschaemic, group.reperfusedIschaemic, group.followedUp) = (
                    try row.decode(Int.self, at: 6), try row.decode(Int.self, at: 7), try row.decode(Int.self, at: 8), try row.decode(Int.self, at: 9))
                group.mrs = try (10..<17).map { try row.decode(Int.self, at: $0) }
                for (index, measure) in IndicatorCatalogue.measures.enumerated() { group.known[measure] = try row.decode(Int.self, at: 17 + index) }
                counts[try row.decode(String.self, at: 0), default: [:]][period(try row.decode(String.self, at: 1))] = group
            }
            var notes: [String] = []
            if query.rows.hasHistograms && !query.isStratified {
                for row in try await connection.query(Self.minutesQuery(query, regions: regions)) {
                    let key = try row.decode(String.self, at: 0), period = period(try row.decode(String.self, at: 1))
                let measure = try row.decode(String.self, at: 2)
                    counts[key, default: [:]][period, default: ReportCounts()].histograms[measure, default: MinuteHistogram()]
                        .add(minutes: try row.decode(Int.self, at: 3), episodes: try row.decode(Int.self, at: 4))
                }
            } else {
                notes.append("Time intervals are kept by hospital and month only: with rows by stratum or a stratum filter, the minutes indicators have no values.")
            }
            let refreshed = try await connection.query("SELECT refreshed_at FROM report_refreshes").first
            let names = try await Self.names(Array(counts.keys), query.rows, on: connection)
            let rows = counts.keys.sorted { (names[$0]?.code ?? $0, $0) < (names[$1]?.code ?? $1, $1) }
            let periods = Set(counts.values.flatMap(\.keys)).sorted()
            let keys = rows.map { names[$0]?.code ?? $0 }
            let builder = RegionalReportBuilder(catalogue: catalogue, k: k)
            let tables = builder.tables(rows: keys, periods: periods, counts: rows.map { row in periods.map { counts[row]?[$0] ?? ReportCounts() } })
            if refreshed == nil { notes.append("The report cells have not been computed yet: refresh them first.") }
            return RegionalReport(generatedAt: now, asOf: try refreshed?.decode(Date.self, at: 0),
                                  k: k, indicatorsVersion: catalogue.version, period: query.period, rows: query.rows,
                                  rowNames: Dictionary(uniqueKeysWithValues: rows.map { (names[$0]?.code ?? $0, names[$0]?.name ?? Self.stratumName($0, query.rows)) }),
                                  tables: tables, notes: notes)
        }
    }

    /// A period's name from the first day of it that a query returns.
    static func period(_ first: String, _ period: ReportQuery.Period) -> String {
        CalendarDay(first).map(period.label) ?? first
    }

    /// The regions' ids by code (nil: every region the caller may see); an unknown code is refused.
    static func regions(_ codes: [String], on connection: PostgresConnection) async throws -> [UUID]? {
        guard !codes.isEmpty else { return nil }
        let found = try await connection.query("SELECT code, id FROM organisations WHERE kind = 'region' AND code = ANY (\(codes))")
        let ids = Dictionary(uniqueKeysWithValues: try found.map { (try $0.decode(String.self, at: 0), try $0.decode(UUID.self, at: 1)) })
        if let unknown = codes.first(where: { ids[$0] == nil }) { throw RehabInputError("region", "\(unknown) is not a region") }
        return codes.compactMap { ids[$0] }
    }

    static func cellsQuery(_ query: ReportQuery, regions: [UUID]?) -> PostgresQuery {
        """
        SELECT row_key::text, period::text, episodes, ischaemic, ivt, evt, ivt_ischaemic, evt_ischaemic, reperfused_ischaemic, followed_up,
               mrs0, mrs1, mrs2, mrs3, mrs4, mrs5, mrs6,
               onset_to_door, door_to_imaging, door_to_needle, door_to_groin
        FROM (SELECT \(fragment: query.rows.fragment) AS row_key, \(fragment: query.period.fragment) AS period, sum(episodes)::bigint AS episodes,
                     sum(ischaemic)::bigint AS ischaemic, sum(ivt)::bigint AS ivt, sum(evt)::bigint AS evt,
                     sum(ivt_ischaemic)::bigint AS ivt_ischaemic, sum(evt_ischaemic)::bigint AS evt_ischaemic,
                     sum(reperfused_ischaemic)::bigint AS reperfused_ischaemic,
                     sum(followed_up)::bigint AS followed_up, sum(mrs[1])::bigint AS mrs0, sum(mrs[2])::bigint AS mrs1, sum(mrs[3])::bigint AS mrs2,
                     sum(mrs[4])::bigint AS mrs3, sum(mrs[5])::bigint AS mrs4, sum(mrs[6])::bigint AS mrs5, sum(mrs[7])::bigint AS mrs6,
                     sum(onset_to_door_known)::bigint AS onset_to_door, sum(door_to_imaging_known)::bigint AS door_to_imaging,
                     sum(door_to_needle_known)::bigint AS door_to_needle, sum(door_to_groin_known)::bigint AS door_to_groin
              FROM report_cells
              WHERE (\(regions)::uuid[] IS NULL OR region_id = ANY (\(regions)::uuid[]))
                AND (\(query.from?.description)::date IS NULL OR month >= date_trunc('month', \(query.from?.description)::date))
                AND (\(query.to?.description)::date IS NULL OR month <= \(query.to?.description)::date)
                AND (\(query.ageBand)::integer IS NULL OR age_band = \(query.ageBand)) AND (\(query.sex)::text IS NULL OR sex = \(query.sex))
                AND (\(query.strokeType)::text IS NULL OR stroke_type::text = \(query.strokeType))
                AND (\(query.severityBand)::integer IS NULL OR severity_band = \(query.severityBand))
              GROUP BY 1, 2) grouped
        """
    }

    /// The histograms: by year from the yearly table when the period allows and no bound
    /// cuts a year, else by month.
    static func minutesQuery(_ query: ReportQuery, regions: [UUID]?) -> PostgresQuery {
        let yearly = query.period.usesYearlyHistograms && query.from.map { $0.month == 1 && $0.day == 1 } != false
            && query.to.map { $0.month == 12 && $0.day == 31 } != false
        return """
            SELECT row_key::text, period::text, measure, minutes::integer, episodes
            FROM (SELECT \(fragment: query.rows.fragment) AS row_key, \(fragment: yearly ? query.period.yearlyFragment : query.period.fragment) AS period,
                         measure, minutes, sum(episodes)::bigint AS episodes
                  FROM \(fragment: yearly ? "report_minutes_yearly" : "report_minutes")
                  WHERE (\(regions)::uuid[] IS NULL OR region_id = ANY (\(regions)::uuid[]))
                    AND (\(query.from?.description)::date IS NULL OR \(fragment: yearly ? "year" : "month") >= date_trunc('month', \(query.from?.description)::date))
                    AND (\(query.to?.description)::date IS NULL OR \(fragment: yearly ? "year" : "month") <= \(query.to?.description)::date)
                  GROUP BY 1, 2, 3, 4) grouped
            """
    }

    /// Organisation codes and names of rows by hospital or region.
    static func names(_ keys: [String], _ rows: ReportQuery.Rows, on connection: PostgresConnection) async throws -> [String: (code: String, name: String)] {
        guard rows == .hospital || rows == .region else { return [:] }
        let ids = keys.compactMap(UUID.init(uuidString:))
        var names: [String: (code: String, name: String)] = [:]
        for row in try await connection.query("SELECT id::text, code, name FROM organisations WHERE id = ANY (\(ids))") {
            names[try row.decode(String.self, at: 0)] = (try row.decode(String.self, at: 1), try row.decode(String.self, at: 2))
        }
        return names
    }

    /// What a stratum row stands for.
    static func stratumName(_ key: String, _ rows: ReportQuery.Rows) -> String {
        let labels: [String] = switch rows {
        case .ageBand: ["under 55", "55–64", "65–74", "75–84", "85 and over", "age unknown"]
        case .severityBand: ["NIHSS 0–4", "NIHSS 5–15", "NIHSS 16–20", "NIHSS 21–42", "NIHSS unknown"]
        default: []
        }
        return Int(key).flatMap { labels.indices.contains($0) ? labels[$0] : nil } ?? key
    }
}
