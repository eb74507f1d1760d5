import Clinical
import Foundation
import Hummingbird
import Reporting
import Storage

/// The planners' dashboard (`/reports`): the indicator table with targets marked, a trend
/// and a funnel plot for the chosen indicator, withheld cells shown as "*" with the reason.
/// For signed-in planners and admins; reads the same report as the API.
struct ReportsPage: Sendable {
    let pages: PageRenderer
    let reports: RegionalReports

    struct View {
        struct Summary { var id: String, title: String, value: String, target: String, met: String, metClass: String, link: String, selected: Bool }
        struct Cell { var text: String, withheld: Bool, title: String }
        struct Row { var name: String, series: String, cells: [Cell] }
        struct Choice { var value: String, label: String, selected: Bool }

        var asOf: String
        var k: Int
        var summary: [Summary]
        var chosen: String
        var periods: [String]
        var rows: [Row]
        var trend: String
        var funnel: String?
        var reasons: [String]
        var notes: [String]
        var periodChoices: [Choice]
        var from: String
        var to: String
        var indicator: String
    }

    func register(on signedIn: RouterGroup<SignedInContext>) {
        signedIn.get("/reports") { request, context in
            var query = try ReportController.query(request)
            query.indicator = nil  // the page's `indicator` is the one it draws; its summary shows them all
            if request.uri.queryParameters.get("period") == nil { query.period = .quarter }
            let report = try await reports.report(query, as: context.access)
            let chosenID = request.uri.queryParameters.get("indicator") ?? "dtn_within_60"
            guard let chosen = report.tables.first(where: { $0.indicator.id == chosenID }) ?? report.tables.first else {
                throw Refusal.notFound("No indicators are defined.")
            }
            return try pages.page("reports", view(report, chosen: chosen, query: query, request: request))
        }
    }

    func view(_ report: RegionalReport, chosen: IndicatorTable, query: ReportQuery, request: Request) -> View {
        var reasons = Set<String>()
        func text(_ value: ReportValue) -> View.Cell {
            if value.suppressed == true {
                reasons.insert(value.reason ?? "")
                return .init(text: "*", withheld: true, title: value.reason ?? "")
            }
            if let shares = value.shares {
                return .init(text: shares.map { String(Int($0.rounded())) }.joined(separator: " / "), withheld: false, title: "mRS 0–6, %")
            }
            guard let number = value.value else { return .init(text: "–", withheld: false, title: "no patients") }
            if let prescribed = value.prescribed {
                return .init(
                    text: "\(Self.format(number)) of \(Self.format(prescribed))" + (value.percentOfPrescribed.map { " (\(Int($0.rounded())) %)" } ?? ""),
                    withheld: false, title: "delivered of prescribed per day of stay, n = \(value.n ?? 0) stays")
            }
            return .init(text: Self.format(number) + (value.n.map { " (\($0))" } ?? ""), withheld: false, title: value.n.map { "n = \($0)" } ?? "")
        }
        let range = (query.from.map { "&from=\($0)" } ?? "") + (query.to.map { "&to=\($0)" } ?? "")
        let summary = report.tables.map { table -> View.Summary in
            let total = table.total
            let target = table.indicator.target
            let value = total.value
            let met: String = {
                guard let target, target.statistic == nil, let value else { return "" }
                switch table.indicator.direction {
                case .higher: return value >= target.value ? "met" : "not met"
                case .lower: return value <= target.value ? "met" : "not met"
                case .nominal: return ""
                }
            }()
            return .init(
                id: table.indicator.id, title: table.indicator.title, value: text(total).text,
                target: target.map { "\(Self.format($0.value)) \($0.unit)\($0.statistic.map { " (\($0))" } ?? "")" } ?? "",
                met: met, metClass: met == "met" ? "target-met" : (met.isEmpty ? "" : "target-missed"),
                link: "?indicator=\(table.indicator.id)&period=\(query.period.rawValue)" + range, selected: table.indicator.id == chosen.indicator.id)
        }
        let rows =
            chosen.rows.indices.map { index in
                View.Row(
                    name: report.rowNames[chosen.rows[index]] ?? chosen.rows[index], series: "series\(index % 8)",
                    cells: (chosen.cells[index] + [chosen.rowTotals[index]]).map(text))
            } + [View.Row(name: "Region", series: "overall", cells: (chosen.periodTotals + [chosen.total]).map(text))]
        return View(
            asOf: report.asOf.map { $0.formatted(date: .abbreviated, time: .shortened) } ?? "never (refresh the cells)", k: report.k, summary: summary,
            chosen: chosen.indicator.title, periods: chosen.periods + ["all"], rows: rows,
            trend: ReportCharts.trend(chosen), funnel: ReportCharts.funnel(chosen), reasons: reasons.sorted(),
            notes: report.notes + chosen.indicator.readerNotes,
            periodChoices: [ReportQuery.Period.month, .quarter, .year].map { .init(value: $0.rawValue, label: $0.rawValue, selected: $0 == query.period) },
            from: query.from?.description ?? "", to: query.to?.description ?? "", indicator: chosen.indicator.id)
    }

    static func format(_ value: Double) -> String { abs(value) >= 100 ? String(format: "%.0f", value) : String(format: "%.1f", value) }
}
