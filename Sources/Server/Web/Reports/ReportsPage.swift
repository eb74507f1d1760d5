import Clinical
import Foundation
import Hummingbird
import Reporting
import Storage

/// The planners' dashboard (`/reports`, a year at a time unless another period is chosen):
/// the indicator table with targets marked, the chosen indicator by hospital (only the kind of
/// organisation it applies to) with its ranking against the target, trend and funnel plot,
/// the 90-day mRS as Grotta bars; withheld cells shown as "*" with the reason; the same
/// values as CSV (`/reports/download`, standard or for Excel). For signed-in planners and
/// admins; reads the same report as the API.
struct ReportsPage: Sendable {
    let pages: PageRenderer
    let reports: RegionalReports
    let statements: ProtocolStatements

    struct View {
        struct Summary { var id: String, title: String, value: String, target: String, met: String, metClass: String, link: String, selected: Bool }
        struct Cell { var text: String, withheld: Bool, title: String }
        struct Row { var name: String, series: String, cells: [Cell] }
        struct Choice { var value: String, label: String, selected: Bool }

        var computed: String
        var summary: [Summary]
        var byHospital: String
        var periods: [String]
        var rows: [Row]
        var hidden: String?
        var trend: String
        var ranking: String?
        var grotta: String?
        var funnel: String?
        var reasons: [String]
        /// The report's notes, in the page's words.
        var notes: [String]
        /// The chosen indicator's notes, in the protocol's words (`frame.statementLang`).
        var indicatorNotes: [String]
        var periodChoices: [Choice]
        var from: String
        var to: String
        var indicator: String
        var downloadStandard: String
        var downloadExcel: String
    }

    func register(on signedIn: RouterGroup<SignedInContext>) {
        signedIn.get("/reports") { request, context in
            let query = try Self.query(request)
            let report = statements.report(try await reports.report(query, as: context.access), in: pages.language(request))
            let chosenID = request.uri.queryParameters.get("indicator") ?? "dtn_within_60"
            guard let chosen = report.tables.first(where: { $0.indicator.id == chosenID }) ?? report.tables.first else {
                throw Refusal.notFound("No indicators are defined.")
            }
            let view = view(report, chosen: chosen, query: query, texts: pages.texts(request))
            return try pages.page("reports", view, request: request, identity: context.identity)
        }
        signedIn.get("/reports/download") { request, context in
            let report = try await reports.report(try Self.query(request), as: context.access)
            return ReportController.csv(report, dialect: try ReportController.dialect(request))
        }
    }

    /// The API's query, a year at a time unless the page asks for another period; all the
    /// indicators (the page's `indicator` is the one it draws; its summary shows them all).
    static func query(_ request: Request) throws -> ReportQuery {
        var query = try ReportController.query(request)
        query.indicator = nil
        if request.uri.queryParameters.get("period") == nil { query.period = .year }
        return query
    }

    func view(_ report: RegionalReport, chosen: IndicatorTable, query: ReportQuery, texts: TextCatalogue.Texts) -> View {
        var reasons = Set<String>()
        func text(_ value: ReportValue) -> View.Cell {
            if value.suppressed == true {
                reasons.insert(value.reason ?? "")
                return .init(text: "*", withheld: true, title: value.reason ?? "")
            }
            if let shares = value.shares {
                return .init(text: shares.map { String(Int($0.rounded())) }.joined(separator: " / "), withheld: false, title: texts["reports_mrs_shares"])
            }
            guard let number = value.value else { return .init(text: "–", withheld: false, title: texts["reports_no_patients"]) }
            if let prescribed = value.prescribed {
                let share = value.percentOfPrescribed.map { " (\(Int($0.rounded())) %)" } ?? ""
                return .init(
                    text: texts.format("reports_delivered_of_prescribed", ["delivered": format(number, texts), "prescribed": format(prescribed, texts)])
                        + share,
                    withheld: false, title: texts.format("reports_stays", ["n": "\(value.n ?? 0)"]))
            }
            return .init(text: format(number, texts) + (value.n.map { " (\($0))" } ?? ""), withheld: false, title: value.n.map { "n = \($0)" } ?? "")
        }
        let range = (query.from.map { "&from=\($0)" } ?? "") + (query.to.map { "&to=\($0)" } ?? "")
        let summary = report.tables.map { table -> View.Summary in
            let met = Self.targetMet(table)
            return .init(
                id: table.indicator.id, title: table.indicator.title, value: text(table.total).text,
                target: table.indicator.target.map { "\(format($0.value, texts)) \($0.unit)\($0.statistic.map { " (\(Self.statistic($0, texts)))" } ?? "")" }
                    ?? "",
                met: met.map { texts[$0 ? "reports_met" : "reports_not_met"] } ?? "",
                metClass: met.map { $0 ? "target-met" : "target-missed" } ?? "",
                link: "?indicator=\(table.indicator.id)&period=\(query.period.rawValue)" + range, selected: table.indicator.id == chosen.indicator.id)
        }
        // Rows of organisations the indicator does not apply to (rehab clinics for an acute
        // indicator, hospitals for a therapy one) are left out; regions and strata stay.
        let applies = chosen.indicator.population.cohort.organisationKind
        let shown = chosen.rows.indices.filter { index in
            guard let kind = report.rowKinds[chosen.rows[index]], kind == "hospital" || kind == "rehab_clinic" else { return true }
            return kind == applies
        }
        let rows =
            shown.map { index in
                View.Row(
                    name: report.rowNames[chosen.rows[index]] ?? chosen.rows[index], series: "series\(index % 8)",
                    cells: (chosen.cells[index] + [chosen.rowTotals[index]]).map(text))
            } + [View.Row(name: texts["reports_region"], series: "overall", cells: (chosen.periodTotals + [chosen.total]).map(text))]
        let hiddenCount = chosen.rows.count - shown.count
        let download = "/reports/download?period=\(query.period.rawValue)" + range
        return View(
            computed: report.asOf.map { texts.format("reports_computed", ["when": texts.moment($0, in: .gmt), "k": "\(report.k)"]) }
                ?? texts.format("reports_never_computed", ["k": "\(report.k)"]),
            summary: summary, byHospital: texts.format("reports_by_hospital", ["indicator": chosen.indicator.title]),
            periods: chosen.periods + [texts["reports_all_periods"]], rows: rows,
            hidden: hiddenCount > 0 ? texts.format("reports_hidden_rows", ["n": "\(hiddenCount)"]) : nil,
            trend: ReportCharts.trend(chosen, texts), ranking: ReportCharts.ranking(chosen, rows: shown, names: report.rowNames, texts),
            grotta: ReportCharts.grotta(chosen, rows: shown, names: report.rowNames, texts), funnel: ReportCharts.funnel(chosen, texts),
            reasons: reasons.sorted(), notes: report.notes.map(texts.notice),
            indicatorNotes: Self.readerNotes(chosen.indicator, texts),
            periodChoices: [ReportQuery.Period.month, .quarter, .year, .all].map {
                .init(value: $0.rawValue, label: texts["reports_period_\($0.rawValue)"], selected: $0 == query.period)
            },
            from: query.from?.description ?? "", to: query.to?.description ?? "", indicator: chosen.indicator.id,
            downloadStandard: download, downloadExcel: download + "&dialect=excel")
    }

    /// What a target's statistic is, in words: `share_within_60` is the share within 60 minutes.
    static func statistic(_ id: String, _ texts: TextCatalogue.Texts) -> String {
        guard id.hasPrefix("share_within_"), let minutes = Int(id.dropFirst("share_within_".count)) else { return id }
        return texts.format("reports_share_within", ["minutes": "\(minutes)"])
    }

    /// Whether the region as a whole meets the indicator's own target (nil: no target of its
    /// value, no value, or a nominal one).
    static func targetMet(_ table: IndicatorTable) -> Bool? {
        guard let target = table.indicator.target, target.statistic == nil, let value = table.total.value else { return nil }
        switch table.indicator.direction {
        case .higher: return value >= target.value
        case .lower: return value <= target.value
        case .nominal: return nil
        }
    }

    func format(_ value: Double, _ texts: TextCatalogue.Texts) -> String { texts.number(value, digits: abs(value) >= 100 ? 0 : 1) }

    /// What goes under the indicator (`IndicatorCatalogue.Indicator.readerNotes`), in the page's words.
    static func readerNotes(_ indicator: IndicatorCatalogue.Indicator, _ texts: TextCatalogue.Texts) -> [String] {
        [
            indicator.target.map { texts.format("reports_note_target", ["note": $0.note]) },
            indicator.comparison.map { texts.format("reports_note_comparison", ["note": $0]) },
            indicator.caveat.map { texts.format("reports_note_caveat", ["note": $0]) },
        ].compactMap { $0 }
    }

}
