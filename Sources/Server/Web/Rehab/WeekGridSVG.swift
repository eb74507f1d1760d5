import Foundation

/// A week as an SVG grid: a column per day, an hour line per hour, each session a block at
/// its time and length; sessions at the same time share the column side by side. Group
/// sessions show their places taken; cancelled ones are hatched; a stripe shows the status. Each block links to the
/// session's page. SVG, so it needs no inline style and no script under the pages' policy.
enum WeekGridSVG {
    struct Block: Sendable, Equatable {
        var day: Int
        /// Minutes after midnight, local time.
        var start: Int
        var end: Int
        var title: String
        var detail: String
        /// Full text for the tooltip.
        var tooltip: String
        var link: String
        /// A CSS class for the block's colour (the modality's discipline).
        var kind: String
        var cancelled: Bool
        /// The CSS class of its status (`SessionStatus.css`), drawn as a stripe at its left.
        var status: String
    }

    static let width = 980.0, left = 46.0, top = 30.0, minuteHeight = 1.2

    static func render(days: [String], from dayStart: Int, to dayEnd: Int, blocks: [Block], title: String, empty: String) -> String {
        let span = max(dayEnd - dayStart, 60)
        let height = top + Double(span) * minuteHeight + 8
        let column = (width - left) / Double(max(days.count, 1))
        var body = ""
        for (index, label) in days.enumerated() {
            let x = left + Double(index) * column
            body += "<rect class=\"day\" x=\"\(f(x))\" y=\"\(f(top))\" width=\"\(f(column))\" height=\"\(f(Double(span) * minuteHeight))\"/>"
            body += text(label, x: x + column / 2, y: top - 10, anchor: "middle", cssClass: "daylabel")
        }
        var hour = (dayStart + 59) / 60 * 60
        while hour <= dayStart + span {
            let y = top + Double(hour - dayStart) * minuteHeight
            body += "<line class=\"hour\" x1=\"\(f(left))\" x2=\"\(f(width))\" y1=\"\(f(y))\" y2=\"\(f(y))\"/>"
            body += text(String(format: "%02d:00", hour / 60), x: left - 6, y: y + 4, anchor: "end", cssClass: "tick")
            hour += 60
        }
        for (block, lane, lanes) in layout(blocks) {
            let x = left + Double(block.day) * column + 1 + Double(lane) * (column - 2) / Double(lanes)
            let y = top + Double(max(block.start - dayStart, 0)) * minuteHeight + 1
            let w = (column - 2) / Double(lanes) - 2
            let h = max(Double(block.end - block.start) * minuteHeight - 2, 8)
            var inner = "<title>\(SVGChart.escape(block.tooltip))</title>"
            inner +=
                "<rect class=\"session \(block.kind)\(block.cancelled ? " cancelled" : "")\" x=\"\(f(x))\" y=\"\(f(y))\" width=\"\(f(w))\" height=\"\(f(h))\" rx=\"3\"/>"
            inner += "<rect class=\"stripe \(block.status)\" x=\"\(f(x))\" y=\"\(f(y))\" width=\"5\" height=\"\(f(h))\" rx=\"2\"/>"
            inner += text(block.title, x: x + 8, y: y + 13, anchor: "start", cssClass: "blocktitle")
            if h >= 30 { inner += text(block.detail, x: x + 8, y: y + 27, anchor: "start", cssClass: "blockdetail") }
            body += "<a href=\"\(SVGChart.escape(block.link))\">\(inner)</a>"
        }
        if blocks.isEmpty {
            body += text(empty, x: width / 2, y: top + Double(span) * minuteHeight / 2, anchor: "middle", cssClass: "caption")
        }
        return "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"week\" viewBox=\"0 0 \(f(width)) \(f(height))\" role=\"img\">"
            + "<title>\(SVGChart.escape(title))</title>\(body)</svg>"
    }

    /// Each block with its lane and the lanes of its cluster (blocks of a day that overlap,
    /// directly or through others, share the column).
    static func layout(_ blocks: [Block]) -> [(Block, Int, Int)] {
        var placed: [(Block, Int, Int)] = []
        for day in Set(blocks.map(\.day)).sorted() {
            let sorted = blocks.filter { $0.day == day }.sorted { ($0.start, $0.end) < ($1.start, $1.end) }
            var cluster: [(Block, Int)] = []
            var laneEnds: [Int] = []
            var clusterEnd = Int.min
            func flush() {
                placed += cluster.map { ($0.0, $0.1, max(laneEnds.count, 1)) }
                cluster = []
                laneEnds = []
            }
            for block in sorted {
                if block.start >= clusterEnd { flush() }
                let lane = laneEnds.firstIndex { $0 <= block.start } ?? laneEnds.count
                if lane == laneEnds.count { laneEnds.append(block.end) } else { laneEnds[lane] = block.end }
                cluster.append((block, lane))
                clusterEnd = max(clusterEnd, block.end)
            }
            flush()
        }
        return placed
    }

    private static func text(_ content: String, x: Double, y: Double, anchor: String, cssClass: String) -> String {
        "<text class=\"\(cssClass)\" x=\"\(f(x))\" y=\"\(f(y))\" text-anchor=\"\(anchor)\">\(SVGChart.escape(content))</text>"
    }

    private static func f(_ value: Double) -> String { SVGChart.format(value) }
}
