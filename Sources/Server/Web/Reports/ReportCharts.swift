import Reporting

/// The dashboard's pictures of an indicator table: each hospital's value ranked against the
/// target, the 90-day mRS as Grotta bars, the trend of each row over the periods, and the
/// funnel plot of a proportion (rows' proportions against their volume, with the 95 % and
/// 99.8 % limits around the overall proportion). Withheld values are not drawn.
enum ReportCharts {
    /// The shown rows' values over the whole range, largest first, and the target.
    static func ranking(_ table: IndicatorTable, rows: [Int], names: [String: String], _ texts: TextCatalogue.Texts) -> String? {
        guard table.indicator.kind != .distribution else { return nil }
        let bars = rows.compactMap { index in
            table.rowTotals[index].value.map { SVGChart.Bar(label: names[table.rows[index]] ?? table.rows[index], value: $0) }
        }
        guard bars.count > 1 else { return nil }
        let target = table.indicator.target.flatMap { $0.statistic == nil ? $0.value : nil }
        return SVGChart.ranking(
            bars, target: target, title: texts.format("reports_ranking_title", ["indicator": table.indicator.title]), unit: table.indicator.unit,
            targetLabel: texts["reports_target"], noData: texts["chart_no_data"])
    }

    /// A distribution's shares (the 90-day mRS 0–6) per shown row and for the region, as
    /// stacked bars: the Grotta bar of stroke trials.
    static func grotta(_ table: IndicatorTable, rows: [Int], names: [String: String], _ texts: TextCatalogue.Texts) -> String? {
        let rowBars = rows.compactMap { index in
            table.rowTotals[index].shares.map { (label: names[table.rows[index]] ?? table.rows[index], shares: $0.map { $0 / 100 }) }
        }
        let all = rowBars + (table.total.shares.map { [(label: texts["reports_region"], shares: $0.map { $0 / 100 })] } ?? [])
        guard let first = all.first else { return nil }
        let categories = first.shares.indices.map { "mRS \($0)" }
        return SVGChart.stackedShares(
            all, categories: categories, title: texts.format("reports_grotta_title", ["indicator": table.indicator.title]), noData: texts["chart_no_data"])
    }

    /// One line per row through its published values; withheld or empty periods break nothing
    /// (the line joins the values it has). The target, if any, as a dashed line.
    static func trend(_ table: IndicatorTable, _ texts: TextCatalogue.Texts) -> String {
        let indicator = table.indicator
        var layers: [SVGChart.Layer] = []
        if let target = indicator.target, target.statistic == nil, !table.periods.isEmpty {
            layers.append(
                .line(
                    [SVGChart.Point(x: 0, y: target.value), SVGChart.Point(x: Double(table.periods.count - 1), y: target.value)],
                    cssClass: "line target", label: texts["reports_target"]))
        }
        for index in table.rows.indices {
            let points = table.cells[index].enumerated().compactMap { period, value in value.value.map { SVGChart.Point(x: Double(period), y: $0) } }
            guard !points.isEmpty else { continue }
            layers.append(.line(points, cssClass: "line series\(index % 8)", label: nil))
            layers.append(.dots(points, cssClass: "dot series\(index % 8)", label: nil))
        }
        layers.append(
            .line(
                table.periodTotals.enumerated().compactMap { period, value in value.value.map { SVGChart.Point(x: Double(period), y: $0) } },
                cssClass: "line overall", label: texts["reports_region"]))
        // The page's heading says what the rows are; the title names the indicator alone, to fit.
        return SVGChart.layered(
            layers, title: indicator.title, xLabel: texts["reports_period"], yLabel: indicator.unit, xNames: table.periods, noData: texts["chart_no_data"])
    }

    /// Rows as points (volume, proportion in %) with the limits as curves over the volumes.
    static func funnel(_ table: IndicatorTable, _ texts: TextCatalogue.Texts) -> String? {
        guard let funnel = table.funnel, let largest = funnel.points.map(\.n).max(), let smallest = funnel.points.map(\.n).min() else { return nil }
        // The limits from half the smallest hospital's volume: below it they only widen to 0–100 %.
        let first = max(5, Double(smallest) / 2)
        let volumes = stride(from: first, through: Double(largest) * 1.1, by: max(1, (Double(largest) * 1.1 - first) / 60)).map { Int($0) }
        var layers: [SVGChart.Layer] = [
            .line(
                [SVGChart.Point(x: first, y: funnel.overall * 100), SVGChart.Point(x: Double(largest) * 1.1, y: funnel.overall * 100)],
                cssClass: "line overall", label: texts["reports_region"])
        ]
        for (coverage, css) in zip(funnel.coverages, ["line limit95", "line limit998"]) {
            let limits = volumes.map { FunnelLimits.limits(proportion: funnel.overall, volume: $0, coverage: coverage) }
            let label = texts[coverage >= 0.99 ? "reports_limits_998" : "reports_limits_95"]
            layers.append(.line(zip(volumes, limits).map { SVGChart.Point(x: Double($0), y: $1.upper * 100) }, cssClass: css, label: label))
            layers.append(.line(zip(volumes, limits).map { SVGChart.Point(x: Double($0), y: $1.lower * 100) }, cssClass: css, label: nil))
        }
        layers.append(
            .dots(funnel.points.map { SVGChart.Point(x: Double($0.n), y: $0.proportion * 100) }, cssClass: "dot observed", label: texts["reports_hospitals"]))
        return SVGChart.layered(
            layers, title: texts.format("reports_funnel_title", ["indicator": table.indicator.title]), xLabel: texts["reports_volume"], yLabel: "%",
            noData: texts["chart_no_data"])
    }
}
