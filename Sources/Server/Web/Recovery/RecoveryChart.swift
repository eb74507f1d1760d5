import Clinical
import Recovery
import Storage

/// The recovery chart of a report: observations, fitted curve, simultaneous band, the day-90
/// range, a what-if curve with its band, and therapy per day as stacked bars under the time
/// axis, the what-if's proposed minutes among them.
enum RecoveryChart {
    /// - Parameter proposal: the what-if's minutes a day and its first and last day, drawn on the
    ///   therapy strip as the proposed dose.
    static func svg(
        _ report: RecoveryReport, whatIf: RecoveryWhatIfOutlook?, texts: TextCatalogue.Texts, proposal: (minutes: Double, from: Int, to: Int)? = nil
    ) -> String {
        var layers: [SVGChart.Layer] = []
        if let outlook = report.outlook {
            layers.append(
                .band(
                    outlook.curve.indices.map { day in
                        SVGChart.Point(
                            x: Double(day), y: outlook.curve[day], low: outlook.band.lowerSimultaneous[day], high: outlook.band.upperSimultaneous[day])
                    }, label: texts["recovery_legend_band"]))
            layers.append(
                .line(
                    outlook.curve.enumerated().map { SVGChart.Point(x: Double($0.offset), y: $0.element) }, cssClass: "line",
                    label: texts["recovery_legend_projection"]))
            if let whatIf {
                let proposed = whatIf.proposed
                layers.append(
                    .band(
                        proposed.curve.indices.map { day in
                            SVGChart.Point(x: Double(day), y: proposed.curve[day], low: proposed.lower[day], high: proposed.upper[day])
                        }, cssClass: "band whatif", label: texts["recovery_legend_whatif_band"]))
                layers.append(
                    .line(
                        proposed.curve.enumerated().map { SVGChart.Point(x: Double($0.offset), y: $0.element) }, cssClass: "line whatif",
                        label: texts["recovery_legend_whatif"]))
            }
            layers.append(
                .intervals(
                    [SVGChart.Point(x: 90, y: outlook.day90.fm, low: outlook.day90.lower, high: outlook.day90.upper)],
                    cssClass: "interval", label: texts["recovery_legend_day90"]))
        }
        let fitted = report.observations.filter { $0.instrument == .fmUE }.compactMap { observation in
            observation.day.map { SVGChart.Point(x: $0, y: Double(observation.value)) }
        }
        layers.append(.dots(fitted, cssClass: "dot observed", label: texts["recovery_legend_observed"]))
        let strip = SVGChart.Strip(
            title: texts["recovery_strip_title"],
            bars: report.therapy.map { day in
                (
                    x: Double(day.day) + 0.5,
                    values: [
                        day.delivered.pt, day.delivered.ot, day.delivered.slp, day.delivered.bal,
                        day.planned.pt + day.planned.ot + day.planned.slp + day.planned.bal,
                    ].map(Double.init) + [0]
                )
            }
                + (proposal.map { proposal in
                    (proposal.from..<proposal.to).map { (x: Double($0) + 0.5, values: [0, 0, 0, 0, 0, proposal.minutes]) }
                } ?? []),
            classes: ["therapy pt", "therapy ot", "therapy slp", "therapy bal", "therapy planned", "therapy proposed"],
            labels: ["PT", "OT", "SLP", "BAL", texts["recovery_strip_booked"], texts["recovery_strip_proposed"]])
        return SVGChart.layered(
            layers, title: texts.format("recovery_chart_title", ["patient": report.pseudonym]), xLabel: texts["recovery_x"],
            yLabel: "FM-UE (0–66)", xDomain: 0...Double(report.horizonDays), yDomain: 0...66, strip: strip, noData: texts["chart_no_data"])
    }
}
