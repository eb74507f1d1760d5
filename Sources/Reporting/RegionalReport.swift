/// One published value of an indicator: its statistic for a group, or why it is withheld.
public struct ReportValue: Sendable, Codable, Equatable {
    /// What the value is based on: its population (episodes, rehab episodes, places in ended
    /// sessions, forecasts), or those with the interval known.
    public var n: Int?
    /// The statistic: a median (minutes), a percentage, a mean grade.
    public var value: Double?
    public var q1: Double?
    public var q3: Double?
    /// Percentages within each threshold of a minutes indicator, by threshold.
    public var within: [String: Double]?
    /// Percentages in each grade of a distribution (mRS 0–6).
    public var shares: [Double]?
    /// Therapy: minutes prescribed per day of stay, and the delivered minutes' share of them (%).
    public var prescribed: Double?
    public var percentOfPrescribed: Double?
    /// Episodes of the population without the measure (missing time stamps).
    public var missing: Int?
    public var suppressed: Bool?
    public var reason: String?

    /// A withheld value. Every withheld value gives the same reason: telling small cells from
    /// their companions would tell a reader that the companions hold k or more, which can pin
    /// a small cell down.
    static func withheld(k: Int) -> ReportValue {
        var value = ReportValue()
        value.suppressed = true
        value.reason = "withheld: based on fewer than \(k) patients, or would let such a value be worked out"
        return value
    }
}

/// An indicator by row (hospital, or stratum) and period, with row, period and overall totals,
/// all suppressed where they would disclose small numbers; and, for proportions, the funnel.
public struct IndicatorTable: Sendable, Codable, Equatable {
    public var indicator: IndicatorCatalogue.Indicator
    public var rows: [String]
    public var periods: [String]
    public var cells: [[ReportValue]]
    public var rowTotals: [ReportValue]
    public var periodTotals: [ReportValue]
    public var total: ReportValue
    public var funnel: Funnel?

    /// Each row's proportion against its volume over the whole period, with the limits
    /// around the overall proportion (only rows whose total is published).
    public struct Funnel: Sendable, Codable, Equatable {
        public struct Point: Sendable, Codable, Equatable {
            public var row: String
            public var n: Int
            public var proportion: Double
            /// Outside the 95 % or the 99.8 % limits: "above", "below", or nil.
            public var outside95: String?
            public var outside998: String?
        }

        public var overall: Double
        public var coverages: [Double]
        public var points: [Point]
    }
}

/// Builds the indicator tables from counts by row and period, with the disclosure threshold k.
public struct RegionalReportBuilder: Sendable {
    public let catalogue: IndicatorCatalogue
    public let k: Int

    public init(catalogue: IndicatorCatalogue, k: Int) {
        self.catalogue = catalogue
        self.k = k
    }

    /// Every indicator of the catalogue over `counts[row][period]`. The counts behind the
    /// indicators of one cohort are linked (a rate's numerator is another's population), so all
    /// of a cohort's tables withhold one joint pattern; acute episodes, rehab stays and forecasts
    /// are separate cohorts, none a sum or part of another, each with a pattern of its own.
    /// A resource's utilisation is withheld wherever a clinic's month that went into it rests on
    /// 1 to k − 1 patients: every total that includes such a month is withheld too, so nothing
    /// published can be subtracted down to it.
    ///
    /// `unreleased` entries (of the table with its totals), by cohort, are withheld whatever the
    /// table's own pattern: what the fixed release of the report's regions does not give
    /// (`ReleasedEntries`).
    public func tables(
        rows: [String], periods: [String], counts: [[ReportCounts]], unreleased: [IndicatorCatalogue.Cohort: Set<Suppression.Entry>] = [:]
    ) -> [IndicatorTable] {
        let patterns = bases().reduce(into: [IndicatorCatalogue.Cohort: Suppression.Pattern]()) { patterns, cohort in
            let tables = cohort.value.keys.sorted().compactMap { key in cohort.value[key].map { size in counts.map { $0.map(size) } } }
            patterns[cohort.key] = Suppression.jointPattern(tables, k: k, withheld: unreleased[cohort.key] ?? [])
        }
        let rowTotals = counts.map { row in row.reduce(into: ReportCounts()) { $0.add($1) } }
        let periodTotals = periods.indices.map { period in counts.reduce(into: ReportCounts()) { $0.add($1[period]) } }
        let total = rowTotals.reduce(into: ReportCounts()) { $0.add($1) }
        let published = Suppression.Pattern(
            cells: counts.map { $0.map { _ in nil } }, rowTotals: rows.map { _ in nil },
            columnTotals: periods.map { _ in nil }, grandTotal: nil)
        return catalogue.indicators.map { indicator in
            let pattern = patterns[indicator.population.cohort] ?? published
            func publish(_ group: ReportCounts, _ reason: Suppression.Reason?) -> ReportValue {
                let fewest = indicator.resource.flatMap { group.utilisation[$0]?.fewestPatients } ?? k
                return reason == nil && fewest >= k && histogramMatches(indicator, group) ? value(indicator, group) : ReportValue.withheld(k: k)
            }
            return IndicatorTable(
                indicator: indicator, rows: rows, periods: periods,
                cells: counts.indices.map { r in periods.indices.map { p in publish(counts[r][p], pattern.cells[r][p]) } },
                rowTotals: rowTotals.indices.map { publish(rowTotals[$0], pattern.rowTotals[$0]) },
                periodTotals: periodTotals.indices.map { publish(periodTotals[$0], pattern.columnTotals[$0]) },
                total: publish(total, pattern.grandTotal),
                funnel: pattern.grandTotal == nil ? funnel(indicator, rows: rows, totals: rowTotals, overall: total, pattern: pattern.rowTotals) : nil)
        }
    }

    /// The counts each cohort's values are based on, by name: each indicator's population (or
    /// those with its interval known) and the remainders; one pattern protects them together.
    public func bases() -> [IndicatorCatalogue.Cohort: [String: @Sendable (ReportCounts) -> Int]] {
        var bases: [IndicatorCatalogue.Cohort: [String: @Sendable (ReportCounts) -> Int]] = [:]
        for indicator in catalogue.indicators {
            if let base = basis(indicator) { bases[indicator.population.cohort, default: [:]][base.key] = base.size }
        }
        for remainder in Self.remainders where bases[.acute]?[remainder.whole] != nil {
            bases[.acute, default: [:]]["remainder:" + remainder.whole] = remainder.size
        }
        return bases
    }

    /// Counts published beside parts of them: thrombectomy for all arrivals beside direct
    /// arrivals and transfers. What the parts leave (arrival mode not recorded) is protected as
    /// a count of its own, so subtracting published figures cannot reveal 1 to k − 1 patients.
    static let remainders: [(whole: String, size: @Sendable (ReportCounts) -> Int)] = [
        ("known:door_to_groin", { ($0.known["door_to_groin"] ?? 0) - ($0.known["door_to_groin_direct"] ?? 0) - ($0.known["door_to_groin_transfer"] ?? 0) }),
        ("patients:evt_arrivals", { $0.patients(.evtArrivals) - $0.patients(.evtDirect) - $0.patients(.evtTransfer) }),
    ]

    /// Whether an interval's histogram, when there is one, holds exactly the patients the cells
    /// count as having the interval: the cells' count is what the suppression protects.
    func histogramMatches(_ indicator: IndicatorCatalogue.Indicator, _ group: ReportCounts) -> Bool {
        guard let measure = indicator.measure, [.minutes, .shareWithin].contains(indicator.kind),
            let histogram = group.histograms[measure], histogram.count > 0
        else { return true }
        return histogram.count == group.known[measure] ?? 0
    }

    /// The patients a cell of the indicator is based on: the population's, or those with its
    /// interval known; nil for resources.
    func basis(_ indicator: IndicatorCatalogue.Indicator) -> (key: String, size: @Sendable (ReportCounts) -> Int)? {
        if let measure = indicator.measure, [.minutes, .shareWithin].contains(indicator.kind) {
            return ("known:" + measure, { $0.known[measure] ?? 0 })
        }
        guard indicator.population != .resources else { return nil }
        return ("patients:" + indicator.population.rawValue, { $0.patients(indicator.population) })
    }

    /// The indicator's statistic for a group; nil values when the group is empty.
    func value(_ indicator: IndicatorCatalogue.Indicator, _ group: ReportCounts) -> ReportValue {
        var result = ReportValue()
        let population = group.size(indicator.population)
        switch indicator.kind {
        case .minutes, .shareWithin:
            let measure = indicator.measure ?? ""
            let histogram = group.histograms[measure] ?? MinuteHistogram()
            result.n = histogram.count
            result.missing = max(0, population - (group.known[measure] ?? 0))
            if indicator.kind == .minutes {
                (result.value, result.q1, result.q3) = (histogram.quantile(0.5), histogram.quantile(0.25), histogram.quantile(0.75))
                let shares = (indicator.thresholds ?? []).compactMap { threshold in histogram.share(within: threshold).map { ("\(threshold)", $0 * 100) } }
                result.within = shares.isEmpty ? nil : Dictionary(uniqueKeysWithValues: shares)
            } else {
                result.value = histogram.share(within: indicator.thresholds?.first ?? 0).map { $0 * 100 }
            }
        case .rate:
            result.n = population
            let numerator = group.numerator(IndicatorCatalogue.rateNumerators[indicator.id] ?? "")
            result.value = population > 0 ? 100 * Double(numerator) / Double(population) : nil
        case .distribution:
            result.n = population
            result.shares = population > 0 ? group.mrs.map { 100 * Double($0) / Double(population) } : nil
        case .mean:
            result.n = population
            result.value = population > 0 ? group.sum(indicator.measure ?? "") / Double(population) : nil
        case .therapy:
            result.n = population
            let minutes = group.therapy[indicator.discipline ?? ""] ?? ReportCounts.Therapy()
            let days = Double(group.patientDays)
            (result.value, result.prescribed) = days > 0 ? (minutes.delivered / days, minutes.prescribed / days) : (nil, nil)
            result.percentOfPrescribed = minutes.prescribed > 0 && days > 0 ? 100 * minutes.delivered / minutes.prescribed : nil
        case .utilisation:
            let minutes = group.utilisation[indicator.resource ?? ""] ?? ReportCounts.Utilisation()
            result.value = minutes.available > 0 ? 100 * minutes.used / minutes.available : nil
        }
        return result
    }

    /// The funnel of a proportion: each published row's total against the overall proportion.
    func funnel(
        _ indicator: IndicatorCatalogue.Indicator, rows: [String], totals: [ReportCounts], overall: ReportCounts,
        pattern: [Suppression.Reason?]
    ) -> IndicatorTable.Funnel? {
        guard [.rate, .shareWithin].contains(indicator.kind), let proportion = value(indicator, overall).value.map({ $0 / 100 }) else { return nil }
        let coverages = catalogue.funnel.limits
        let points = rows.indices.compactMap { index -> IndicatorTable.Funnel.Point? in
            let cell = value(indicator, totals[index])
            guard pattern[index] == nil, let n = cell.n, n > 0, let share = cell.value.map({ $0 / 100 }) else { return nil }
            func side(_ coverage: Double) -> String? {
                let limits = FunnelLimits.limits(proportion: proportion, volume: n, coverage: coverage)
                return share > limits.upper ? "above" : (share < limits.lower ? "below" : nil)
            }
            return .init(row: rows[index], n: n, proportion: share, outside95: side(coverages.first ?? 0.95), outside998: side(coverages.last ?? 0.998))
        }
        return .init(overall: proportion, coverages: coverages, points: points)
    }
}
