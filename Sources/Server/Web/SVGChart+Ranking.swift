import Foundation

extension SVGChart {
    /// Horizontal bars, largest first, with the target as a dashed vertical line: each row's
    /// value against the target, as the quality registers rank hospitals.
    public static func ranking(_ bars: [Bar], target: Double?, title: String, unit: String, targetLabel: String, noData: String) -> String {
        let usable = bars.filter(\.value.isFinite).sorted { $0.value > $1.value }
        guard !usable.isEmpty else { return empty(title: title, noData: noData) }
        let rowHeight = 22.0
        let height = Frame.top + rowHeight * Double(usable.count) + 36
        let barLeft = 200.0
        let xs = Scale(usable.map(\.value) + [0] + (target.map { [$0] } ?? []), from: barLeft, to: Frame.width - Frame.right - 40)
        var body = ""
        for (index, bar) in usable.enumerated() {
            let y = Frame.top + rowHeight * Double(index)
            body += text(bar.label, x: barLeft - 6, y: y + rowHeight * 0.65, anchor: "end")
            body +=
                "<rect class=\"bar\" x=\"\(format(barLeft))\" y=\"\(format(y + 3))\" width=\"\(format(max(0, xs(bar.value) - barLeft)))\" height=\"\(format(rowHeight - 6))\"><title>\(escape(bar.label)): \(format(bar.value)) \(escape(unit))</title></rect>"
            body += text(format(bar.value), x: xs(bar.value) + 4, y: y + rowHeight * 0.65, anchor: "start")
        }
        let bottom = Frame.top + rowHeight * Double(usable.count)
        if let target {
            body +=
                "<line class=\"line target\" x1=\"\(format(xs(target)))\" x2=\"\(format(xs(target)))\" y1=\"\(format(Frame.top - 4))\" y2=\"\(format(bottom + 4))\"/>"
            body += text("\(targetLabel) \(format(target)) \(unit)", x: xs(target), y: bottom + 20, anchor: "middle", cssClass: "caption")
        }
        return svg(title: title, body: body, height: height)
    }
}
