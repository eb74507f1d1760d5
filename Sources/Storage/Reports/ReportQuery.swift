public import Clinical
import Foundation
import Postgres
import Reporting

/// What a report covers and how it is laid out: regions (codes; none: every region the
/// caller may see), months from and to, the period of a column, what a row is, and strata
/// to keep to.
public struct ReportQuery: Sendable, Equatable {
    /// A column: a month, a quarter, a year, or all time.
    public enum Period: String, Sendable, Codable, CaseIterable {
        case month, quarter, year, all

        /// The period of a cell's month (a date), grouped on before it is named.
        var fragment: StaticString {
            switch self {
            case .month: "month"
            case .quarter: "date_trunc('quarter', month::timestamp)::date"
            case .year: "date_trunc('year', month::timestamp)::date"
            case .all: "'1900-01-01'::date"
            }
        }

        /// The same for the yearly histograms (reports by year or over all time).
        var yearlyFragment: StaticString {
            switch self {
            case .all: "'1900-01-01'::date"
            default: "year"
            }
        }

        /// Whether `day` is the first day of one of these periods (of a year for all time).
        func starts(_ day: CalendarDay) -> Bool {
            switch self {
            case .month: day.day == 1
            case .quarter: day.day == 1 && (day.month - 1) % 3 == 0
            case .year, .all: day.day == 1 && day.month == 1
            }
        }

        /// A period's name from its first day: 2026-03, 2026-Q1, 2026, all.
        func label(_ first: CalendarDay) -> String {
            switch self {
            case .month: String(first.description.prefix(7))
            case .quarter: String(first.description.prefix(4)) + "-Q\((first.month - 1) / 3 + 1)"
            case .year: String(first.description.prefix(4))
            case .all: "all"
            }
        }
    }

    /// A row: a hospital, a region, or a stratum.
    public enum Rows: String, Sendable, Codable, CaseIterable {
        case hospital, region
        case ageBand = "age_band"
        case sex
        case strokeType = "stroke_type"
        case severityBand = "severity_band"

        /// The column a row groups on (named as text after grouping).
        var fragment: StaticString {
            switch self {
            case .hospital: "hospital_id"
            case .region: "region_id"
            case .ageBand: "age_band"
            case .sex: "sex"
            case .strokeType: "stroke_type"
            case .severityBand: "severity_band"
            }
        }

        /// Rows by hospital or region read the interval histograms too (kept by hospital and
        /// month); rows by a stratum have none.
        var hasHistograms: Bool { self == .hospital || self == .region }

        /// Rows by a stratum's values.
        var isStratum: Bool { !hasHistograms }
    }

    public var regions: [String]
    public var from: CalendarDay?
    public var to: CalendarDay?
    public var period: Period
    public var rows: Rows
    public var ageBand: Int?
    public var sex: String?
    public var strokeType: String?
    public var severityBand: Int?
    /// One indicator's table only (nil: every indicator). What is withheld does not depend on it.
    public var indicator: String?

    public init(
        regions: [String] = [], from: CalendarDay? = nil, to: CalendarDay? = nil, period: Period = .year, rows: Rows = .hospital,
        ageBand: Int? = nil, sex: String? = nil, strokeType: String? = nil, severityBand: Int? = nil, indicator: String? = nil
    ) {
        self.regions = regions
        self.from = from
        self.to = to
        self.period = period
        self.rows = rows
        self.ageBand = ageBand
        self.sex = sex
        self.strokeType = strokeType
        self.severityBand = severityBand
        self.indicator = indicator
    }

    /// Refuses reversed dates, dates that cut a period, a stratum filter with rows by hospital,
    /// strata that do not exist, more than one stratum, and strata by month or quarter, naming
    /// the field: a report publishes only what the fixed release of its regions has (strata by
    /// year).
    public func check() throws(Refusal) {
        if let from, let to, to < from { throw Refusal.invalid("to", "must be on or after from") }
        let unit = period == .all ? "year" : period.rawValue
        if let from, !period.starts(from) { throw Refusal.invalid("from", "must be the first day of a \(unit): reports cover whole periods") }
        if let to, !period.starts(to.adding(days: 1)) { throw Refusal.invalid("to", "must be the last day of a \(unit): reports cover whole periods") }
        if isStratified, rows == .hospital {
            throw Refusal.invalid("rows", "must be region or a stratum when a stratum is chosen: hospital by stratum is too fine to publish")
        }
        if let ageBand, !(0...5).contains(ageBand) {
            throw Refusal.invalid("ageBand", "must be 0 (<55), 1 (55–64), 2 (65–74), 3 (75–84), 4 (85+) or 5 (unknown)")
        }
        if let severityBand, !(0...4).contains(severityBand) {
            throw Refusal.invalid("severityBand", "must be 0 (NIHSS 0–4), 1 (5–15), 2 (16–20), 3 (21–42) or 4 (unknown)")
        }
        if let sex, !["female", "male", "other", "unknown"].contains(sex) { throw Refusal.invalid("sex", "must be female, male, other or unknown") }
        if let strokeType, StrokeType(rawValue: strokeType) == nil {
            throw Refusal.invalid("strokeType", "must be one of \(StrokeType.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        for region in regions where !(1...32).contains(region.count) { throw Refusal.invalid("region", "must be an organisation code") }
        if let indicator, !(1...64).contains(indicator.count) { throw Refusal.invalid("indicator", "must be an indicator's id") }
        if strata.count > 1 || (!strata.isEmpty && rows != .region) {
            throw Refusal.invalid("rows", "a report is by one stratum at a time: rows by a stratum, or rows by region kept to one stratum")
        }
        if rows.isStratum || isStratified, period == .month || period == .quarter {
            throw Refusal.invalid("period", "reports by stratum cover whole years: the period is year or all")
        }
    }

    /// The stratum filters given, as (stratum, value).
    var strata: [(stratum: Rows, value: String)] {
        [(Rows.ageBand, ageBand.map(String.init)), (.sex, sex), (.strokeType, strokeType), (.severityBand, severityBand.map(String.init))]
            .compactMap { stratum, value in value.map { (stratum, $0) } }
    }

    /// The query kept to the months published (`through` and before): it ends there at the
    /// latest, and a report by stratum — whose cells are released by year — at the end of the
    /// last whole year published.
    func published(through last: ReleaseMonth) -> ReportQuery {
        let month = CalendarDay(year: last.next.year, month: last.next.month, day: 1).adding(days: -1)
        let year = last.month == 12 ? month : CalendarDay(year: last.year - 1, month: 12, day: 31)
        let end = rows.isStratum || isStratified ? year : month
        var query = self
        query.to = min(to ?? end, end)
        return query
    }

    /// Whether the yearly tables (cells and histograms summed by calendar year) answer the
    /// report: periods of a year or all time, and no bound that cuts a year.
    var readsYearly: Bool {
        (period == .year || period == .all) && from.map { $0.month == 1 && $0.day == 1 } != false && to.map { $0.month == 12 && $0.day == 31 } != false
    }

    /// The first day of the month of `from` (a month is in the report when its first day is).
    var firstMonth: CalendarDay? { from.map { CalendarDay(year: $0.year, month: $0.month, day: 1) } }

    /// The calendar years a report by year or over all time adds up whole within its bounds
    /// (a month is in them when its first day is), as the first days of the first and the
    /// last: those years can be read from the yearly tables, the months of a year the bounds cut
    /// from the monthly ones. Nil for other periods or when no year is whole.
    var wholeYears: (first: CalendarDay, last: CalendarDay)? {
        guard period == .year || period == .all else { return nil }
        let first = from.map { $0.month == 1 ? $0.year : $0.year + 1 } ?? 1900
        let last = to.map { $0.month == 12 ? $0.year : $0.year - 1 } ?? 2199
        guard first <= last else { return nil }
        return (CalendarDay(year: first, month: 1, day: 1), CalendarDay(year: last, month: 1, day: 1))
    }

    /// The stratum (and value) whose yearly histograms answer a stratified report: rows by a
    /// stratum with no stratum filter, or rows by region kept to one stratum; nil otherwise.
    var histogramStratum: (name: String, value: String?)? {
        guard readsYearly else { return nil }
        let filters = [("age_band", ageBand.map(String.init)), ("sex", sex), ("stroke_type", strokeType), ("severity_band", severityBand.map(String.init))]
            .compactMap { name, value in value.map { (name: name, value: $0) } }
        switch rows {
        case .ageBand, .sex, .strokeType, .severityBand: return filters.isEmpty ? (rows.rawValue, nil) : nil
        case .region: return filters.count == 1 ? (filters[0].name, filters[0].value) : nil
        case .hospital: return nil
        }
    }

    /// Any stratum kept to: the interval histograms (not kept by stratum) do not apply.
    var isStratified: Bool { ageBand != nil || sex != nil || strokeType != nil || severityBand != nil }
}
