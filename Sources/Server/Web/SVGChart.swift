import Foundation

/// Small, dependency-free SVG charts for server-rendered pages: a line with a shaded band
/// (a projection with its uncertainty, a median with its spread) and a bar chart. Text is
/// escaped; the output is a self-contained `<svg>` element with a title for screen readers.
public enum SVGChart {
    /// A point of a line chart, with an optional band around it.
    public struct Point: Sendable, Equatable {
        public var x: Double
        public var y: Double
        public var low: Double?
        public var high: Double?

        public init(x: Double, y: Double, low: Double? = nil, high: Double? = nil) {
            self.x = x
            self.y = y
            self.low = low
            self.high = high
        }
    }

    /// A labelled bar.
    public struct Bar: Sendable, Equatable {
        public var label: String
        public var value: Double

        public init(label: String, value: Double) {
            self.label = label
            self.value = value
        }
    }

    /// Plot-area geometry shared by both charts.
    struct Frame {
        static let width = 640.0, height = 260.0
        static let left = 56.0, right = 16.0, top = 40.0, bottom = 40.0
        static var plotWidth: Double { width - left - right }
        static var plotHeight: Double { height - top - bottom }
    }

    /// A line chart; where points have `low` and `high`, the band between them is shaded.
    /// - Parameters:
    ///   - title: the chart's accessible title, also drawn above it.
    ///   - xLabel, yLabel: axis captions.
    ///   - xDomain: the x range to show (default: the points' own range).
    public static func line(
        _ points: [Point], title: String, xLabel: String, yLabel: String, xDomain: ClosedRange<Double>? = nil, noData: String = noDataYet
    ) -> String {
        let finite = points.filter { $0.x.isFinite && $0.y.isFinite }
        guard !finite.isEmpty else { return empty(title: title, noData: noData) }
        let values = finite.flatMap { [$0.y, $0.low, $0.high].compactMap { $0 }.filter(\.isFinite) }
        let xValues = finite.map(\.x) + (xDomain.map { [$0.lowerBound, $0.upperBound] } ?? [])
        let xs = Scale(xValues, from: Frame.left, to: Frame.left + Frame.plotWidth)
        let ys = Scale(values + [0], from: Frame.top + Frame.plotHeight, to: Frame.top)
        var body = axes(xs: xs, ys: ys, xLabel: xLabel, yLabel: yLabel)
        let banded = finite.filter { $0.low?.isFinite == true && $0.high?.isFinite == true }
        if banded.count >= 2 {
            let upper = banded.map { "\(format(xs($0.x))),\(format(ys($0.high ?? $0.y)))" }
            let lower = banded.reversed().map { "\(format(xs($0.x))),\(format(ys($0.low ?? $0.y)))" }
            body += "<polygon class=\"band\" points=\"\((upper + lower).joined(separator: " "))\"/>"
        }
        let line = finite.map { "\(format(xs($0.x))),\(format(ys($0.y)))" }.joined(separator: " ")
        body += "<polyline class=\"line\" fill=\"none\" points=\"\(line)\"/>"
        for point in finite {
            body += "<circle class=\"dot\" r=\"2.5\" cx=\"\(format(xs(point.x)))\" cy=\"\(format(ys(point.y)))\"/>"
        }
        return svg(title: title, body: body)
    }

    /// A vertical bar chart with a label under each bar and its value above it.
    public static func bars(_ bars: [Bar], title: String, yLabel: String, noData: String = noDataYet) -> String {
        guard !bars.isEmpty else { return empty(title: title, noData: noData) }
        let ys = Scale(bars.map(\.value).filter(\.isFinite) + [0], from: Frame.top + Frame.plotHeight, to: Frame.top)
        let slot = Frame.plotWidth / Double(bars.count)
        var body = yAxis(ys, label: yLabel)
        for (index, bar) in bars.enumerated() {
            let value = bar.value.isFinite ? bar.value : 0
            let x = Frame.left + slot * Double(index) + slot * 0.15
            let top = ys(max(value, 0))
            let base = ys(0)
            body +=
                "<rect class=\"bar\" x=\"\(format(x))\" y=\"\(format(min(top, base)))\" width=\"\(format(slot * 0.7))\" height=\"\(format(abs(base - top)))\"/>"
            body += text(bar.label, x: x + slot * 0.35, y: Frame.height - Frame.bottom + 16, anchor: "middle")
            body += text(format(value), x: x + slot * 0.35, y: top - 4, anchor: "middle")
        }
        return svg(title: title, body: body)
    }

    /// Horizontal stacked bars, one per row, each split into `categories` by share (a
    /// distribution per row, e.g. 90-day mRS 0–6 per treatment); a legend names the
    /// categories and each segment of 8 % or more shows its percentage.
    public static func stackedShares(
        _ rows: [(label: String, shares: [Double])], categories: [String], title: String, noData: String = noDataYet
    ) -> String {
        let usable = rows.filter { $0.shares.count == categories.count && $0.shares.allSatisfy(\.isFinite) }
        guard !usable.isEmpty else { return empty(title: title, noData: noData) }
        let labelWidth = 110.0
        let barLeft = Frame.left + labelWidth - 40
        let barWidth = Frame.width - Frame.right - barLeft
        let rowHeight = min(40.0, (Frame.plotHeight - 24) / Double(usable.count))
        var body = ""
        for (index, row) in usable.enumerated() {
            let y = Frame.top + Double(index) * rowHeight
            body += text(row.label, x: barLeft - 8, y: y + rowHeight * 0.55, anchor: "end")
            let total = row.shares.reduce(0, +)
            var x = barLeft
            for (category, share) in row.shares.enumerated() {
                let width = total > 0 ? barWidth * share / total : 0
                body +=
                    "<rect class=\"seg seg\(category)\" x=\"\(format(x))\" y=\"\(format(y + 4))\" width=\"\(format(width))\" height=\"\(format(rowHeight - 8))\"><title>\(escape(categories[category])): \(format(share * 100)) %</title></rect>"
                if total > 0, share / total >= 0.08 {
                    body += text("\(Int((share / total * 100).rounded()))%", x: x + width / 2, y: y + rowHeight * 0.6, anchor: "middle", cssClass: "seglabel")
                }
                x += width
            }
        }
        let legendY = Frame.top + Double(usable.count) * rowHeight + 18
        let step = barWidth / Double(categories.count)
        for (category, name) in categories.enumerated() {
            let x = barLeft + step * Double(category)
            body += "<rect class=\"seg seg\(category)\" x=\"\(format(x))\" y=\"\(format(legendY - 10))\" width=\"12\" height=\"12\"/>"
            body += text(name, x: x + 16, y: legendY, anchor: "start")
        }
        return svg(title: title, body: body)
    }

    /// Maps a data range onto a pixel range, padding a range of zero width.
    struct Scale {
        let domain: ClosedRange<Double>
        let range: ClosedRange<Double>
        let reversed: Bool

        /// - Parameters: start, end: the pixels for the smallest and largest value (end may
        ///   be smaller, as on a y axis, which grows upwards).
        init(_ values: [Double], from start: Double, to end: Double) {
            let low = values.min() ?? 0
            let high = values.max() ?? 1
            domain = low == high ? (low - 1)...(high + 1) : low...high
            range = min(start, end)...max(start, end)
            reversed = start > end
        }

        func callAsFunction(_ value: Double) -> Double {
            let fraction = (value - domain.lowerBound) / (domain.upperBound - domain.lowerBound)
            let span = range.upperBound - range.lowerBound
            return reversed ? range.upperBound - fraction * span : range.lowerBound + fraction * span
        }
    }

    /// The axes; `xNames` puts names at whole x positions instead of numbers (periods).
    static func axes(xs: Scale, ys: Scale, xLabel: String, yLabel: String, xNames: [String]? = nil) -> String {
        var body = yAxis(ys, label: yLabel)
        let baseline = Frame.top + Frame.plotHeight
        if let xNames {
            let every = max(1, Int((Double(xNames.count) / 8).rounded(.up)))
            for (index, name) in xNames.enumerated() where index % every == 0 {
                body += text(name, x: xs(Double(index)), y: baseline + 16, anchor: "middle")
            }
        } else {
            for tick in ticks(xs.domain) {
                body += text(format(tick), x: xs(tick), y: baseline + 16, anchor: "middle")
            }
        }
        body += text(xLabel, x: Frame.left + Frame.plotWidth / 2, y: Frame.height - 6, anchor: "middle", cssClass: "caption")
        return body
    }

    static func yAxis(_ ys: Scale, label: String) -> String {
        var body = ""
        for tick in ticks(ys.domain) {
            let y = ys(tick)
            body += "<line class=\"grid\" x1=\"\(format(Frame.left))\" x2=\"\(format(Frame.width - Frame.right))\" y1=\"\(format(y))\" y2=\"\(format(y))\"/>"
            body += text(format(tick), x: Frame.left - 6, y: y + 4, anchor: "end")
        }
        body +=
            "<text class=\"caption\" transform=\"translate(14 \(format(Frame.top + Frame.plotHeight / 2))) rotate(-90)\" text-anchor=\"middle\">\(escape(label))</text>"
        return body
    }

    /// About five round ticks across a range.
    static func ticks(_ domain: ClosedRange<Double>) -> [Double] {
        let span = domain.upperBound - domain.lowerBound
        guard span > 0, span.isFinite else { return [domain.lowerBound] }
        let rough = span / 5
        let magnitude = pow(10, floor(log10(rough)))
        let candidates = [1.0, 2, 2.5, 5, 10].map { $0 * magnitude }
        let step = candidates.min { abs(span / $0 - 5) < abs(span / $1 - 5) } ?? rough
        var tick = ceil(domain.lowerBound / step) * step
        var result: [Double] = []
        while tick <= domain.upperBound + step * 1e-9 && result.count < 12 {
            result.append(tick)
            tick += step
        }
        return result
    }

    static func svg(title: String, body: String, height: Double = Frame.height) -> String {
        """
        <svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 \(format(Frame.width)) \(format(height))" role="img"><title>\(escape(title))</title>\(text(title, x: Frame.left, y: 16, anchor: "start", cssClass: "title"))\(body)</svg>
        """
    }

    /// What an empty chart says, on pages not yet in the catalogue.
    public static let noDataYet = "No data yet"

    /// A chart with nothing to draw: its title and `noData`.
    static func empty(title: String, noData: String) -> String {
        svg(title: title, body: text(noData, x: Frame.width / 2, y: Frame.height / 2, anchor: "middle", cssClass: "caption"))
    }

    static func text(_ content: String, x: Double, y: Double, anchor: String, cssClass: String = "tick") -> String {
        "<text class=\"\(cssClass)\" x=\"\(format(x))\" y=\"\(format(y))\" text-anchor=\"\(anchor)\">\(escape(content))</text>"
    }

    /// Numbers for SVG: at most two decimals, no exponent, no trailing zeros.
    static func format(_ value: Double) -> String {
        guard value.isFinite else { return "0" }
        let rounded = (value * 100).rounded() / 100
        if rounded == rounded.rounded() { return String(Int(rounded)) }
        return String(format: "%.2f", rounded).replacingOccurrences(of: #"0+$"#, with: "", options: .regularExpression)
    }

    /// Escapes text for XML content and attribute values.
    static func escape(_ text: String) -> String {
        var escaped = ""
        escaped.reserveCapacity(text.count)
        for character in text {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&#39;"
            default: escaped.append(character)
            }
        }
        return escaped
    }
}
