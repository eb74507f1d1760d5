public import Clinical
public import Foundation
public import Postgres
public import Rehabilitation
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
    /// A row's organisation kind (`hospital`, `rehab_clinic`, `region`), for rows by organisation.
    public var rowKinds: [String: String]
    public var tables: [IndicatorTable]
    public var notes: [Notice]
    /// Read from a hot standby this many seconds behind the primary (0: caught up); nil when
    /// read from the primary.
    public var replicaLagSeconds: Double?
}

/// Reports read from the report cells only, as the reporting role (`strokepath_planner`),
/// which can read nothing else: no patient row or identifier can come out of a report.
public struct RegionalReports: Sendable {
    public let pool: PostgresPool
    /// A hot standby the reports are read from, when there is one (`DATABASE_REPLICA_URL`):
    /// the versions of releases are still recorded on the primary (`pool`).
    public let replica: PostgresPool?
    public let catalogue: IndicatorCatalogue
    /// The rehab catalogue: the discipline of each modality.
    public let rehab: RehabCatalogue
    /// The fixed releases of the regions, kept per refresh.
    let releases = RegionalReleases()

    public init(pool: PostgresPool, replica: PostgresPool? = nil, catalogue: IndicatorCatalogue, rehab: RehabCatalogue) {
        self.pool = pool
        self.replica = replica
        self.catalogue = catalogue
        self.rehab = rehab
    }

    /// Brings the report cells up to date: the episodes changed since the last refresh are
    /// counted again, or every episode when `whole` (or when the database decides it must:
    /// `report_refresh_all`); rehabilitation when what it counts may have changed. `job`: the
    /// durable job running it, completed with the counts in the refresh's own transaction.
    public func refresh(as context: AccessContext, whole: Bool = false, job: ClaimedJob? = nil) async throws -> ReportRefresh {
        let (catalogue, rehab) = (catalogue, rehab)
        return try await pool.withAccess(context) { connection in
            let counted = try await Self.refresh(on: connection, catalogue: catalogue, rehab: rehab, whole: whole)
            if let job { try await JobQueue.complete(job, result: try JSONEncoder().encode(counted), on: connection) }
            return counted
        }
    }

    /// Queues a refresh for the job workers (`ReportRefreshJob`) for the caller's first
    /// organisation, or answers the one with the same `whole` the caller can see that is waiting
    /// in the queue: the job as the caller sees it.
    public func queueRefresh(as context: AccessContext, whole: Bool = false) async throws -> JobView<ReportRefresh> {
        guard let organisation = context.organisations.first else {
            throw Refusal.notPermitted("A refresh is queued for an organisation you act for, and your token names none.")
        }
        let parameters = try JSONEncoder().encode(ReportRefreshJob.Parameters(whole: whole))
        return try await pool.withAccess(context) { connection in
            let id = try await JobQueue.enqueue(
                kind: ReportRefreshJob.kind, organisation: organisation, target: organisation, parameters: parameters,
                policy: ReportRefreshJob.policy, unlessQueued: true, on: connection)
            return try await JobQueue.view(id, of: ReportRefreshJob.kind, on: connection)
        }
    }

    /// A refresh job the caller queued, or any of its organisations' when an admin; nil otherwise.
    public func refreshJob(_ id: UUID, as context: AccessContext) async throws -> JobView<ReportRefresh>? {
        try await pool.withAccess(context, readOnly: true) { connection in
            try await JobQueue.visibleJob(id, of: ReportRefreshJob.kind, on: connection)
        }
    }

    /// The durable jobs reports need run: the refresh.
    public var jobHandlers: [any JobHandler] { [ReportRefreshJob(reports: self)] }

    /// How long a refresh may run (a whole rebuild of ten million episodes takes 70 s on two
    /// cores; an incremental one seconds), and a report wait for one under way.
    static let refreshTimeLimit: Duration = .seconds(15 * 60)

    /// Lets each statement of the transaction, and each wait for a lock, take as long as a refresh may.
    static func allowRefreshTime(on connection: PostgresConnection) async throws {
        let limit = "\(refreshTimeLimit.milliseconds)ms"
        try await connection.query("SELECT set_config('statement_timeout', \(limit), true), set_config('lock_timeout', \(limit), true)")
    }

    /// `report_refresh_all` on `connection`, with the follow-up window of the indicators file
    /// and the disciplines of the rehab catalogue.
    public static func refresh(
        on connection: PostgresConnection, catalogue: IndicatorCatalogue, rehab: RehabCatalogue, whole: Bool = false
    ) async throws -> ReportRefresh {
        let window = catalogue.followUp.windowDays
        let (first, last) = (Int32(clamping: window.first ?? 0), Int32(clamping: window.last ?? 0))
        let modalities = rehab.modalities.map(\.id)
        let disciplines = rehab.modalities.map(\.discipline)
        // A long job: it raises the application role's statement limit for its own transaction.
        try await allowRefreshTime(on: connection)
        let (episodes, stays, recomputed, rebuilt, rehab) = try await connection.query(
            """
            SELECT episodes, stays, recomputed, rebuilt, rehab
            FROM report_refresh_all(\(first), \(last), \(modalities)::text[], \(disciplines)::text[], \(whole))
            """
        ).single().decode((Int, Int, Int, Bool, Bool).self)
        return ReportRefresh(episodes: episodes, stays: stays, recomputed: recomputed, whole: rebuilt, rehab: rehab)
    }

    /// The report for `query`, over the regions and hospitals the caller acts for: from the
    /// replica when there is one and it answers, else from the primary.
    public func report(_ query: ReportQuery, as context: AccessContext, now: Date = Date()) async throws -> RegionalReport {
        try query.check()
        if let replica {
            do {
                return try await report(query, as: context, now: now, from: replica, primary: await primaryPosition(as: context))
            } catch let error as PostgresError where error.isUnavailable || error.isTransactionRetryable {
                // A replica away, being rebuilt or cancelling the read to replay a refresh costs
                // the primary a report, not the planner an answer.
            } catch is ReplicaBehind {
                // Nor does one whose cells are older than the primary's, or whose lag is unknown.
            }
        }
        return try await report(query, as: context, now: now, from: pool, primary: nil)
    }

    private func report(
        _ query: ReportQuery, as context: AccessContext, now: Date, from source: PostgresPool, primary: PrimaryPosition?
    ) async throws -> RegionalReport {
        let catalogue = catalogue
        let wanted = try query.indicator.map { id in
            guard let indicator = catalogue.indicators.first(where: { $0.id == id }) else { throw Refusal.invalid("indicator", "\(id) is not an indicator") }
            return indicator
        }
        // One indicator needs only its own histograms; the cells of every indicator are still read,
        // so that the same values are withheld as in the full report.
        let measures = wanted.map { [$0.measure].compactMap { $0 } }
        let onReplica = source !== pool
        // On the primary not a read-only transaction: the report may record the version of a
        // release it publishes (`RegionalReleases.version`); as strokepath_planner it can write
        // nothing else. On a replica the versions are recorded on the primary, each in its own
        // transaction (`ReleaseVersioning.primary`).
        return try await source.withAccess(context, readOnly: onReplica) { connection in
            let lag = onReplica ? try await Self.replicaLag(on: connection, primary: primary) : nil
            try await connection.query("SET LOCAL ROLE strokepath_planner")
            // The report tables, locked before anything is read and in the order the refresh
            // (report_refresh_all) takes them — report_cells first in both, which keeps them
            // from deadlocking: a refresh under way is waited for (as long as a refresh may
            // take), and none commits while the report reads cells, refresh time and release.
            try await Self.allowRefreshTime(on: connection)
            try await connection.query(
                """
                LOCK TABLE report_cells, report_minutes, report_minutes_yearly, report_refreshes, report_minutes_strata, report_therapy,
                           report_utilisation, report_cells_yearly IN ACCESS SHARE MODE
                """)
            try await connection.query("SET LOCAL statement_timeout TO DEFAULT")
            // The cells of a national report (tens of thousands of rows) are grouped in memory, not on disk.
            try await connection.query("SET LOCAL work_mem = '64MB'")
            try await connection.query("SET LOCAL lock_timeout TO DEFAULT")
            let disclosure = catalogue.disclosure
            let asOf = try await connection.query("SELECT refreshed_at FROM report_refreshes").first?.decode(Date.self, at: 0)
            if lag != nil, let refreshed = primary?.refreshedAt, (asOf ?? .distantPast) < refreshed { throw ReplicaBehind() }
            // Only settled months are published: the report runs to the last of them.
            let through = disclosure.publishedThrough(refreshedAt: asOf ?? now)
            let query = query.published(through: through)
            let regions = try await Self.regions(query.regions, on: connection)
            let configured = try await connection.query(
                """
                SELECT max(report_min_cell)::integer FROM organisations WHERE id = ANY (app_organisation_ids())
                """
            ).first?.decode(Int?.self, at: 0)
            let callerK = min(max(configured ?? disclosure.defaultK, disclosure.allowedK[0]), disclosure.allowedK[1])
            var counts: [String: [String: ReportCounts]] = [:]
            var labels: [String: String] = [:]
            func period(_ first: String) -> String {
                if let label = labels[first] { return label }
                let label = Self.period(first, query.period)
                labels[first] = label
                return label
            }
            for row in try await connection.query(Self.cellsQuery(query, regions: regions)) {
                let (key, first, numbers) = try row.decode((String, String, [Double]).self)
                counts[key, default: [:]][period(first)] = Self.counts(numbers)
            }
            for row in try await connection.query(Self.therapyQuery(query, regions: regions)) {
                let (key, first, modality, prescribed, delivered) = try row.decode((String, String, String, Double, Double).self)
                counts[key, default: [:]][period(first), default: ReportCounts()].therapy[modality] = .init(prescribed: prescribed, delivered: delivered)
            }
            var notes: [Notice] = []
            if query.rows.hasHistograms && !query.isStratified {
                for row in try await connection.query(Self.minutesQuery(query, measures: measures, regions: regions)) {
                    let (key, first, measure, minutes, episodes) = try row.decode((String, String, String, [Int], [Int]).self)
                    counts[key, default: [:]][period(first), default: ReportCounts()].histograms[measure, default: MinuteHistogram()]
                        .add(minutes: minutes, episodes: episodes)
                }
                for row in try await connection.query(Self.utilisationQuery(query, regions: regions)) {
                    let (key, first, room, available, used, fewest) = try row.decode((String, String, String, Double, Double, Int?).self)
                    counts[key, default: [:]][period(first), default: ReportCounts()].utilisation[room] =
                        .init(available: available, used: used, fewestPatients: fewest)
                }
            } else if let stratum = query.histogramStratum, try await Self.actsForRegionsOnly(on: connection) {
                for row in try await connection.query(Self.strataMinutesQuery(query, stratum: stratum, measures: measures, regions: regions)) {
                    let (key, first, measure, minutes, episodes) = try row.decode((String, String, String, [Int], [Int]).self)
                    counts[key, default: [:]][period(first), default: ReportCounts()].histograms[measure, default: MinuteHistogram()]
                        .add(minutes: minutes, episodes: episodes)
                }
                notes.append(Notice(ReportNotice.stratumAcuteOnly))
            } else {
                notes.append(Notice(ReportNotice.intervalsNotKept))
            }
            let names = try await Self.names(Array(counts.keys), query.rows, on: connection)
            let rows = counts.keys.sorted { (names[$0]?.code ?? $0, $0) < (names[$1]?.code ?? $1, $1) }
            let periods = Set(counts.values.flatMap(\.keys)).sorted()
            let keys = rows.map { names[$0]?.code ?? $0 }
            // What the fixed releases of the rows' regions give; everything else is withheld. The
            // report's k is the stricter of the caller's and the releases'.
            let scope = try await Self.releaseScope(query, keys: rows, regions: regions, on: connection)
            let bases = RegionalReportBuilder(catalogue: catalogue, k: callerK)
            let released = try await releases.releases(
                regions: scope.regions, refreshed: asOf, through: through, disclosure: disclosure, builder: bases, on: connection,
                versioning: onReplica ? .primary(pool, context) : .sameTransaction)
            let k = max(callerK, released.k)
            let builder = RegionalReportBuilder(catalogue: catalogue, k: k)
            let firstDays = Dictionary(labels.map { ($0.value, $0.key) }, uniquingKeysWith: { first, _ in first })
            let unreleased = released.unreleased(
                rows: rows.map { scope.sources[$0] ?? [] }, total: scope.total, periods: periods.map { Self.months(of: firstDays[$0] ?? $0, query) },
                cohorts: Set(bases.bases().keys))
            let tables = builder.tables(
                rows: keys, periods: periods, counts: rows.map { row in periods.map { counts[row]?[$0] ?? ReportCounts() } }, unreleased: unreleased
            )
            .filter { table in wanted.map { $0.id == table.indicator.id } ?? true }
            if asOf == nil {
                notes.append(Notice(ReportNotice.notComputed))
            } else if let end = query.to {
                notes.append(Notice(ReportNotice.figuresRunTo, ["end": "\(end)", "days": "\(disclosure.releaseAfterDays)"]))
            }
            if let asOf, disclosure.releaseAfterDays < catalogue.followUp.windowDays[1] {
                let closing = asOf.addingTimeInterval(-Double(catalogue.followUp.windowDays[1]) * 86_400)
                notes.append(
                    Notice(
                        ReportNotice.followUpIncomplete,
                        ["from": closing.formatted(.iso8601.year().month().day()), "window": "\(catalogue.followUp.windowDays[1])"]))
            }
            return RegionalReport(
                generatedAt: now, asOf: asOf,
                k: k, indicatorsVersion: catalogue.version, period: query.period, rows: query.rows,
                rowNames: Dictionary(uniqueKeysWithValues: rows.map { (names[$0]?.code ?? $0, names[$0]?.name ?? Self.stratumName($0, query.rows)) }),
                rowKinds: Dictionary(uniqueKeysWithValues: rows.compactMap { row in names[row].map { ($0.code, $0.kind) } }),
                tables: tables, notes: notes + (lag.map { [Self.replicaNote($0)] } ?? []), replicaLagSeconds: lag)
        }
    }

    /// The months of a report's period that starts on `first` (all time: the report's range).
    static func months(of first: String, _ query: ReportQuery) -> ClosedRange<ReleaseMonth> {
        let widest = ReleaseMonth(1900, 1)...ReleaseMonth(2199, 12)
        guard query.period != .all, let day = CalendarDay(first) else {
            let lower = query.from.map { ReleaseMonth($0.year, $0.month) } ?? widest.lowerBound
            let upper = query.to.map { ReleaseMonth($0.year, $0.month) } ?? widest.upperBound
            return lower <= upper ? lower...upper : widest
        }
        let start = ReleaseMonth(day.year, day.month)
        let end =
            switch query.period {
            case .quarter: ReleaseMonth(day.year, min(12, day.month + 2))
            case .year: ReleaseMonth(day.year, 12)
            default: start
            }
        // A period that runs past the report's end (the last month published) is read to it.
        let last = query.to.map { ReleaseMonth($0.year, $0.month) }.map { min($0, end) } ?? end
        return start...max(start, last)
    }

    /// For each row of a report (by its key), the release rows it sums; the release rows all
    /// its rows sum to; and the regions of those releases. Rows are mapped through the cells the
    /// caller sees (their region and site): a hospital row is that site's row in its region; a
    /// region row of a caller who reports for the whole region is the region's row, else the
    /// sites of it the caller sees; a stratum row is that value's row in every region of the
    /// report; the rows together are each region's row where the caller reports for the whole
    /// region. Reports by stratum are for callers who report for whole regions (the strata are
    /// kept by region). A row mapped to nothing is withheld (`ReleasedEntries`).
    static func releaseScope(
        _ query: ReportQuery, keys: [String], regions: [UUID]?, on connection: PostgresConnection
    ) async throws -> (sources: [String: [ReleasedEntries.Source]], total: [ReleasedEntries.Source], regions: [UUID]) {
        let (sources, covered, whole) = try await rowSources(query, keys: keys, regions: regions, on: connection)
        // Rows by region kept to a stratum sum to those regions' stratum rows, not to the regions.
        let filtered = query.rows == .region && !query.strata.isEmpty
        let total = covered.flatMap { region in
            whole.contains(region) && !filtered
                ? [ReleasedEntries.Source(region: RegionalReleases.key(region), row: "region")]
                : Array(Set(sources.values.flatMap { $0 }.filter { $0.region == RegionalReleases.key(region) }))
        }
        return (sources, total, covered)
    }

    /// The release rows of each report row, the regions they are in, and the regions the
    /// caller reports for as a whole.
    static func rowSources(
        _ query: ReportQuery, keys: [String], regions: [UUID]?, on connection: PostgresConnection
    ) async throws -> (sources: [String: [ReleasedEntries.Source]], regions: [UUID], whole: [UUID]) {
        let caller = try await connection.query(
            "SELECT id, parent_id, kind::text FROM organisations WHERE id = ANY (app_organisation_ids())"
        ).decode((UUID, UUID?, String).self)
        let wholeRegions = caller.filter { $0.2 == "region" }.map(\.0)
        // The (region, site) pairs of the cells the caller sees (as strokepath_planner).
        let seen = try await connection.query("SELECT DISTINCT region_id, hospital_id FROM report_cells_yearly").decode((UUID, UUID).self)
        typealias Source = ReleasedEntries.Source
        let key = RegionalReleases.key
        switch query.rows {
        case .hospital:
            var sources: [String: [Source]] = [:]
            for row in keys {
                guard let site = UUID(uuidString: row) else { continue }
                sources[row] = seen.filter { $0.1 == site }.map { Source(region: key($0.0), row: key(site)) }
            }
            let ids = Set(keys.compactMap(UUID.init(uuidString:)))
            return (sources, Array(Set(seen.filter { ids.contains($0.1) }.map(\.0))), wholeRegions)
        case .region:
            let filter = query.strata.first
            var sources: [String: [Source]] = [:]
            for row in keys {
                guard let region = UUID(uuidString: row) else { continue }
                if let filter {
                    guard wholeRegions.contains(region) else { throw Self.stratumForPartOfARegion }
                    sources[row] = [Source(region: key(region), row: RegionalReleases.releaseRow(filter.stratum, filter.value))]
                } else if wholeRegions.contains(region) {
                    sources[row] = [Source(region: key(region), row: "region")]
                } else {
                    sources[row] = seen.filter { $0.0 == region }.map { Source(region: key(region), row: key($0.1)) }
                }
            }
            return (sources, keys.compactMap(UUID.init(uuidString:)), wholeRegions)
        case .ageBand, .sex, .strokeType, .severityBand:
            let covered = regions.map { wanted in wholeRegions.filter(wanted.contains) } ?? wholeRegions
            guard caller.allSatisfy({ $0.2 == "region" || $0.1.map(covered.contains) == true }) else { throw Self.stratumForPartOfARegion }
            let sources = Dictionary(
                uniqueKeysWithValues: keys.map { row in
                    (row, covered.map { Source(region: key($0), row: RegionalReleases.releaseRow(query.rows, row)) })
                })
            return (sources, covered, wholeRegions)
        }
    }

    /// Strata are kept by region: a caller who reports for part of a region gets none.
    static let stratumForPartOfARegion = Refusal.invalid(
        "rows", "reports by stratum are for planners of whole regions: the strata are kept by region, not by site")

    /// A period's name from the first day of it that a query returns.
    static func period(_ first: String, _ period: ReportQuery.Period) -> String {
        CalendarDay(first).map(period.label) ?? first
    }

    /// The regions' ids by code (nil: every region the caller may see); an unknown code is refused.
    static func regions(_ codes: [String], on connection: PostgresConnection) async throws -> [UUID]? {
        guard !codes.isEmpty else { return nil }
        let found = try await connection.query("SELECT code, id FROM organisations WHERE kind = 'region' AND code = ANY (\(codes))")
        let ids = Dictionary(uniqueKeysWithValues: try found.decode((String, UUID).self))
        if let unknown = codes.first(where: { ids[$0] == nil }) { throw Refusal.invalid("region", "\(unknown) is not a region") }
        return codes.compactMap { ids[$0] }
    }

    /// One group's counts from the cells query's numbers (in its column order).
    static func counts(_ numbers: [Double]) -> ReportCounts {
        var group = ReportCounts()
        var column = numbers.makeIterator()
        func next() -> Int { Int(column.next() ?? 0) }
        (group.episodes, group.ischaemic, group.ivt, group.evt) = (next(), next(), next(), next())
        (group.ivtIschaemic, group.evtIschaemic, group.reperfusedIschaemic, group.followedUp) = (next(), next(), next(), next())
        group.mrs = (0..<7).map { _ in next() }
        for measure in IndicatorCatalogue.measures { group.known[measure] = next() }
        (group.stays, group.staysBooked, group.patientDays) = (next(), next(), next())
        (group.places, group.noShow, group.placeCancelled, group.sessionCancelled) = (next(), next(), next(), next())
        group.forecasts = next()
        (group.fmErrorSum, group.fmAbsErrorSum) = (column.next() ?? 0, column.next() ?? 0)
        group.fmWithinInterval = next()
        (group.ivtArrivals, group.evtArrivals, group.evtDirect, group.evtTransfer, group.inHospital) = (next(), next(), next(), next(), next())
        return group
    }

    /// The cells by row and period: by year or over all time, every year whole within the
    /// bounds from the yearly cells and the months of a year the bounds cut (the published
    /// months of the year not yet whole) from the monthly ones — a twelfth of the rows to read.
    static func cellsQuery(_ query: ReportQuery, regions: [UUID]?) -> PostgresQuery {
        grouped(query, regions: regions, rows: "report_cells_in", columns: cellColumns, groupBy: "1, 2")
    }

    /// The cells' counts, summed, in the order `counts(_:)` reads them. The forecasts' error
    /// sums (floating point) are added exactly (numeric), so that they do not depend on the order
    /// a plan reads the cells in — the same cells give the same report whichever plan reads them
    /// — and only in the cells with forecasts: a conversion to numeric for each of the other
    /// cells (whose sums are 0) cost a national report about 80 ms.
    static let cellColumns: StaticString = """
        ARRAY[sum(episodes), sum(ischaemic), sum(ivt), sum(evt), sum(ivt_ischaemic), sum(evt_ischaemic), sum(reperfused_ischaemic),
              sum(followed_up), sum(mrs[1]), sum(mrs[2]), sum(mrs[3]), sum(mrs[4]), sum(mrs[5]), sum(mrs[6]), sum(mrs[7]),
              sum(onset_to_door_known), sum(door_to_imaging_known), sum(door_to_needle_known), sum(door_to_groin_known),
              sum(stroke_to_first_session_known), sum(door_to_groin_direct_known), sum(door_to_groin_transfer_known), sum(stays),
              sum(stays_booked), sum(patient_days), sum(places), sum(no_show),
              sum(place_cancelled), sum(session_cancelled), sum(forecasts), coalesce(sum(fm_error_sum::numeric) FILTER (WHERE forecasts <> 0), 0),
              coalesce(sum(fm_abs_error_sum::numeric) FILTER (WHERE forecasts <> 0), 0), sum(fm_within_interval),
              sum(ivt_arrivals), sum(evt_arrivals), sum(evt_direct), sum(evt_transfer), sum(in_hospital)]::float8[]
        """

    /// Therapy minutes by row, period and discipline.
    static func therapyQuery(_ query: ReportQuery, regions: [UUID]?) -> PostgresQuery {
        grouped(
            query, regions: regions, rows: "report_therapy_in", columns: "discipline, sum(prescribed_minutes::numeric)::float8, sum(delivered_minutes)::float8",
            groupBy: "1, 2, 3")
    }

    /// Cells by row and period from `rows` (a function of the years read whole from a yearly
    /// table: migration 0016), kept to the regions, whole months from and to, and strata.
    static func grouped(_ query: ReportQuery, regions: [UUID]?, rows: StaticString, columns: StaticString, groupBy: StaticString) -> PostgresQuery {
        """
        SELECT \(fragment: query.rows.fragment)::text, \(fragment: query.period.fragment)::text, \(fragment: columns)
        FROM \(fragment: rows)(\(query.wholeYears?.first)::date, \(query.wholeYears?.last)::date) cells
        WHERE month BETWEEN '1900-01-01' AND '2199-12-01' AND (\(regions)::uuid[] IS NULL OR region_id = ANY (\(regions)::uuid[]))
          AND (\(query.firstMonth)::date IS NULL OR month >= \(query.firstMonth)::date)
          AND (\(query.to)::date IS NULL OR month <= \(query.to)::date)
          AND (\(query.ageBand)::integer IS NULL OR age_band = \(query.ageBand)) AND (\(query.sex)::text IS NULL OR sex = \(query.sex))
          AND (\(query.strokeType)::text IS NULL OR stroke_type::text = \(query.strokeType))
          AND (\(query.severityBand)::integer IS NULL OR severity_band = \(query.severityBand))
        GROUP BY \(fragment: groupBy)
        """
    }

    /// Resource minutes by row, period and resource (sites and regions only), with the fewest
    /// patients behind any clinic's month of use that went into them.
    static func utilisationQuery(_ query: ReportQuery, regions: [UUID]?) -> PostgresQuery {
        """
        SELECT \(fragment: query.rows.fragment)::text, \(fragment: query.period.fragment)::text, resource,
               sum(available_minutes::numeric)::float8, sum(used_minutes::numeric)::float8, min(nullif(patients, 0))
        FROM report_utilisation
        WHERE month BETWEEN '1900-01-01' AND '2199-12-01' AND (\(regions)::uuid[] IS NULL OR region_id = ANY (\(regions)::uuid[]))
          AND (\(query.firstMonth)::date IS NULL OR month >= \(query.firstMonth)::date)
          AND (\(query.to)::date IS NULL OR month <= \(query.to)::date)
        GROUP BY 1, 2, 3
        """
    }

    /// The histograms of each row, period and measure (the whole years of a report by years from
    /// the yearly table, as `cellsQuery`) as they are kept, a row for each hospital and month or
    /// year, its bins' minutes and episodes as two arrays: the reader adds up the rows of a
    /// row, period and measure.
    static func minutesQuery(_ query: ReportQuery, measures: [String]?, regions: [UUID]?) -> PostgresQuery {
        """
        SELECT \(fragment: query.rows.fragment)::text, \(fragment: query.period.fragment)::text, measure, minutes::integer[], episodes::bigint[]
        FROM report_minutes_in(\(query.wholeYears?.first)::date, \(query.wholeYears?.last)::date)
        WHERE month BETWEEN '1900-01-01' AND '2199-12-01'
          AND (\(regions)::uuid[] IS NULL OR region_id = ANY (\(regions)::uuid[]))
          AND (\(measures)::text[] IS NULL OR measure = ANY (\(measures)::text[]))
          AND (\(query.firstMonth)::date IS NULL OR month >= \(query.firstMonth)::date)
          AND (\(query.to)::date IS NULL OR month <= \(query.to)::date)
        """
    }

    /// Whether the caller acts only for whole regions: the histograms by stratum are kept by
    /// region, and a caller who also sees a hospital's cells would get medians of part of them.
    static func actsForRegionsOnly(on connection: PostgresConnection) async throws -> Bool {
        try await connection.query(
            """
            SELECT coalesce(bool_and(kind = 'region'), false) FROM organisations WHERE id = ANY (app_organisation_ids())
            """
        ).single().decode(Bool.self)
    }

    /// The acute intervals' histograms by stratum and year, rows by stratum value or by region,
    /// as they are kept (as `minutesQuery`).
    static func strataMinutesQuery(_ query: ReportQuery, stratum: (name: String, value: String?), measures: [String]?, regions: [UUID]?) -> PostgresQuery {
        """
        SELECT \(fragment: query.rows == .region ? "region_id::text" : "value"), \(fragment: query.period.yearlyFragment)::text, measure,
               minutes::integer[], episodes::bigint[]
        FROM report_minutes_strata
        WHERE stratum = \(stratum.name) AND (\(stratum.value)::text IS NULL OR value = \(stratum.value)) AND year BETWEEN '1900-01-01' AND '2199-12-01'
          AND (\(measures)::text[] IS NULL OR measure = ANY (\(measures)::text[]))
          AND (\(regions)::uuid[] IS NULL OR region_id = ANY (\(regions)::uuid[]))
          AND (\(query.from)::date IS NULL OR year >= \(query.from)::date)
          AND (\(query.to)::date IS NULL OR year <= \(query.to)::date)
        """
    }

    /// Organisation codes, names and kinds of rows by hospital or region. A region the caller
    /// does not act for as a whole (a hospital's planner) is named as the part of it they see.
    static func names(
        _ keys: [String], _ rows: ReportQuery.Rows, on connection: PostgresConnection
    ) async throws -> [String: (code: String, name: String, kind: String)] {
        guard rows == .hospital || rows == .region else { return [:] }
        let ids = keys.compactMap(UUID.init(uuidString:))
        var names: [String: (code: String, name: String, kind: String)] = [:]
        for row in try await connection.query(
            """
            SELECT id::text, code, name, kind::text, kind = 'region' AND NOT id = ANY (app_organisation_ids())
            FROM organisations WHERE id = ANY (\(ids))
            """)
        {
            let (id, code, name, kind, partly) = try row.decode((String, String, String, String, Bool).self)
            names[id] = (code, partly ? "\(name) (only the sites you report for)" : name, kind)
        }
        return names
    }

    /// What a stratum row stands for.
    static func stratumName(_ key: String, _ rows: ReportQuery.Rows) -> String {
        let labels: [String] =
            switch rows {
            case .ageBand: ["under 55", "55–64", "65–74", "75–84", "85 and over", "age unknown"]
            case .severityBand: ["NIHSS 0–4", "NIHSS 5–15", "NIHSS 16–20", "NIHSS 21–42", "NIHSS unknown"]
            default: []
            }
        return Int(key).flatMap { labels.indices.contains($0) ? labels[$0] : nil } ?? key
    }
}
