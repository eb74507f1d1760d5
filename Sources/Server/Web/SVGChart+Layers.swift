import Foundation

extension SVGChart {
    /// One layer of a layered chart, drawn in the order given.
    public enum Layer: Sendable {
        /// The shaded band between the points' `low` and `high`.
        case band([Point], cssClass: String = "band", label: String?)
        /// A line through the points; `dashed` for a what-if or a limit.
        case line([Point], cssClass: String, label: String?)
        /// Points (observations, hospitals).
        case dots([Point], cssClass: String, label: String?)
        /// Vertical intervals from `low` to `high` with a mark at `y` (a single-day answer).
        case intervals([Point], cssClass: String, label: String?)
    }

    /// Stacked bars under the time axis, one per x (therapy minutes per day by modality).
    public struct Strip: Sendable {
        public var title: String
        public var bars: [(x: Double, values: [Double])]
        /// A CSS class and a legend label per stacked value.
        public var classes: [String]
        public var labels: [String]

        public init(title: String, bars: [(x: Double, values: [Double])], classes: [String], labels: [String]) {
            self.title = title
            self.bars = bars
            self.classes = classes
            self.labels = labels
        }
    }

    static let stripHeight = 100.0

    /// A chart of layers on shared axes, with a legend of the labelled layers and an optional
    /// strip of stacked bars under the x axis on the same x scale; `xNames` names the whole x
    /// positions (periods) instead of numbering them.
    public static func layered(
        _ layers: [Layer], title: String, xLabel: String, yLabel: String, xDomain: ClosedRange<Double>? = nil,
        yDomain: ClosedRange<Double>? = nil, xNames: [String]? = nil, strip: Strip? = nil, noData: String = noDataYet
    ) -> String {
        let points = layers.flatMap(\.points).filter { $0.x.isFinite && $0.y.isFinite }
        guard !points.isEmpty else { return empty(title: title, noData: noData) }
        let xs = Scale(points.map(\.x) + (xDomain.map { [$0.lowerBound, $0.upperBound] } ?? []), from: Frame.left, to: Frame.left + Frame.plotWidth)
        let values = points.flatMap { [$0.y, $0.low, $0.high].compactMap { $0 }.filter(\.isFinite) }
        let ys = Scale(yDomain.map { [$0.lowerBound, $0.upperBound] } ?? values + [0], from: Frame.top + Frame.plotHeight, to: Frame.top)
        var body = axes(xs: xs, ys: ys, xLabel: xLabel, yLabel: yLabel, xNames: xNames)
        for layer in layers { body += draw(layer, xs: xs, ys: ys) }
        body += legend(layers.compactMap(\.legendEntry))
        guard let strip else { return svg(title: title, body: body) }
        body += drawStrip(strip, xs: xs)
        return svg(title: title, body: body, height: Frame.height + stripHeight)
    }

    private static func draw(_ layer: Layer, xs: Scale, ys: Scale) -> String {
        func at(_ point: Point) -> String { "\(format(xs(point.x))),\(format(ys(point.y)))" }
        switch layer {
        case .band(let points, let cssClass, _):
            let banded = points.filter { $0.low?.isFinite == true && $0.high?.isFinite == true }
            guard banded.count >= 2 else { return "" }
            let upper = banded.map { "\(format(xs($0.x))),\(format(ys($0.high ?? $0.y)))" }
            let lower = banded.reversed().map { "\(format(xs($0.x))),\(format(ys($0.low ?? $0.y)))" }
            return "<polygon class=\"\(escape(cssClass))\" points=\"\((upper + lower).joined(separator: " "))\"/>"
        case .line(let points, let cssClass, _):
            let finite = points.filter { $0.x.isFinite && $0.y.isFinite }
            return "<polyline class=\"\(escape(cssClass))\" fill=\"none\" points=\"\(finite.map(at).joined(separator: " "))\"/>"
        case .dots(let points, let cssClass, _):
            return points.filter { $0.x.isFinite && $0.y.isFinite }.map { point in
                "<circle class=\"\(escape(cssClass))\" r=\"3.5\" cx=\"\(format(xs(point.x)))\" cy=\"\(format(ys(point.y)))\"><title>\(format(point.x)): \(format(point.y))</title></circle>"
            }.joined()
        case .intervals(let points, let cssClass, _):
            return points.filter { $0.x.isFinite && $0.low?.isFinite == true && $0.high?.isFinite == true }.map { point in
                let x = format(xs(point.x))
                return
                    "<g class=\"\(escape(cssClass))\"><line x1=\"\(x)\" x2=\"\(x)\" y1=\"\(format(ys(point.low ?? point.y)))\" y2=\"\(format(ys(point.high ?? point.y)))\"/>"
                    + "<line x1=\"\(format(xs(point.x) - 5))\" x2=\"\(format(xs(point.x) + 5))\" y1=\"\(format(ys(point.y)))\" y2=\"\(format(ys(point.y)))\"/></g>"
            }.joined()
        }
    }

    /// Swatches and labels along the top right.
    private static func legend(_ entries: [(cssClass: String, label: String, kind: String)]) -> String {
        var x = Frame.width - Frame.right
        var body = ""
        for entry in entries.reversed() {
            let width = Double(entry.label.count) * 6 + 24
            x -= width
            let swatch =
                switch entry.kind {
                case "band": "<rect class=\"\(escape(entry.cssClass))\" x=\"\(format(x))\" y=\"24\" width=\"14\" height=\"10\"/>"
                case "dots": "<circle class=\"\(escape(entry.cssClass))\" r=\"3.5\" cx=\"\(format(x + 7))\" cy=\"29\"/>"
                default: "<line class=\"\(escape(entry.cssClass))\" x1=\"\(format(x))\" x2=\"\(format(x + 14))\" y1=\"29\" y2=\"29\"/>"
                }
            body += "<g class=\"legend\">\(swatch)\(text(entry.label, x: x + 18, y: 33, anchor: "start"))</g>"
        }
        return body
    }

    private static func drawStrip(_ strip: Strip, xs: Scale) -> String {
        let top = Frame.height + 6
        let height = stripHeight - 30
        let highest = strip.bars.map { $0.values.reduce(0, +) }.max() ?? 0
        let span = xs.domain.upperBound - xs.domain.lowerBound
        let width = max(1, Frame.plotWidth / max(span, 1) * 0.8)
        var body = text(strip.title, x: Frame.left, y: top + 4, anchor: "start", cssClass: "caption")
        body += text(highest > 0 ? format(highest) : "0", x: Frame.left - 6, y: top + 16, anchor: "end")
        body +=
            "<line class=\"grid\" x1=\"\(format(Frame.left))\" x2=\"\(format(Frame.width - Frame.right))\" y1=\"\(format(top + 10 + height))\" y2=\"\(format(top + 10 + height))\"/>"
        for bar in strip.bars where bar.x.isFinite && highest > 0 {
            var base = top + 10 + height
            for (index, value) in bar.values.enumerated() where value > 0 && index < strip.classes.count {
                let h = height * value / highest
                base -= h
                body +=
                    "<rect class=\"\(escape(strip.classes[index]))\" x=\"\(format(xs(bar.x) - width / 2))\" y=\"\(format(base))\" width=\"\(format(width))\" height=\"\(format(h))\"/>"
            }
        }
        var x = Frame.left
        for (cssClass, label) in zip(strip.classes, strip.labels) {
            body += "<rect class=\"\(escape(cssClass))\" x=\"\(format(x))\" y=\"\(format(top + height + 16))\" width=\"10\" height=\"10\"/>"
            body += text(label, x: x + 14, y: top + height + 25, anchor: "start")
            x += Double(label.count) * 6 + 30
        }
        return body
    }
}

extension SVGChart.Layer {
    var points: [SVGChart.Point] {
        switch self {
        case .band(let points, _, _), .line(let points, _, _), .dots(let points, _, _), .intervals(let points, _, _): points
        }
    }

    var legendEntry: (cssClass: String, label: String, kind: String)? {
        switch self {
        case .band(_, let cssClass, let label): label.map { (cssClass, $0, "band") }
        case .line(_, let cssClass, let label): label.map { (cssClass, $0, "line") }
        case .dots(_, let cssClass, let label): label.map { (cssClass, $0, "dots") }
        case .intervals(_, let cssClass, let label): label.map { (cssClass, $0, "line") }
        }
    }
}
