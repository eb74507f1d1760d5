import Foundation
import FoundationXML
import Synchronization
import Testing

@testable import Server

@Suite struct SVGChartTests {
    @Test func lineChartDrawsTheBandAroundTheLine() {
        let points = [0.0, 1, 2, 3, 4].map { x in SVGChart.Point(x: x, y: 10 * x, low: 10 * x - 5, high: 10 * x + 5) }
        let svg = SVGChart.line(points, title: "FM-UE projection", xLabel: "day", yLabel: "points")
        #expect(svg.hasPrefix("<svg"))
        #expect(svg.contains("<title>FM-UE projection</title>"))
        #expect(svg.components(separatedBy: "<circle").count - 1 == 5)
        let band = svg.firstMatch(of: /<polygon class="band" points="([^"]+)"/)?.output.1 ?? ""
        #expect(band.split(separator: " ").count == 10)
    }

    @Test func lineChartWithoutBandsHasNoPolygon() {
        let svg = SVGChart.line([.init(x: 0, y: 1), .init(x: 1, y: 2)], title: "t", xLabel: "x", yLabel: "y")
        #expect(!svg.contains("<polygon"))
        #expect(svg.contains("<polyline"))
    }

    @Test func textIsEscaped() {
        let svg = SVGChart.bars([.init(label: "<script>&\"'", value: 3)], title: "a < b & c", yLabel: "n")
        #expect(!svg.contains("<script>"))
        #expect(svg.contains("&lt;script&gt;&amp;&quot;&#39;"))
        #expect(svg.contains("a &lt; b &amp; c"))
    }

    @Test func chartsAreWellFormedXML() throws {
        let charts = [
            SVGChart.bars([.init(label: "2xx", value: 40), .init(label: "5xx", value: 0)], title: "Requests", yLabel: "n"),
            SVGChart.line(
                [.init(x: -3, y: 0.5, low: 0.2, high: 0.9), .init(x: 0, y: 0.7, low: 0.4, high: 1.2)],
                title: "Latency", xLabel: "min", yLabel: "ms", xDomain: -29...0),
            SVGChart.line([], title: "Empty", xLabel: "x", yLabel: "y"),
            SVGChart.bars([.init(label: "nan", value: .nan)], title: "Odd", yLabel: "n"),
        ]
        for chart in charts {
            let parser = XMLParser(data: Data(chart.utf8))
            #expect(parser.parse(), "not well-formed: \(chart.prefix(120))")
            #expect(!chart.contains("nan") || chart.contains(">nan<"))
        }
    }

    @Test func barHeightsAreProportional() {
        let svg = SVGChart.bars([.init(label: "a", value: 10), .init(label: "b", value: 20)], title: "t", yLabel: "n")
        let heights = svg.matches(of: /class="bar"[^>]*height="([0-9.]+)"/).compactMap { Double($0.output.1) }
        #expect(heights.count == 2)
        #expect(abs(heights[1] - 2 * heights[0]) < 0.05)
    }

    @Test(arguments: [(0.0...10.0, [0.0, 2, 4, 6, 8, 10]), (0.0...1.0, [0, 0.2, 0.4, 0.6, 0.8, 1.0]), (-29.0...0.0, [-25.0, -20, -15, -10, -5, 0])])
    func ticksAreRound(domain: ClosedRange<Double>, expected: [Double]) {
        let ticks = SVGChart.ticks(domain)
        #expect(ticks.count == expected.count)
        for (tick, want) in zip(ticks, expected) { #expect(abs(tick - want) < 1e-9) }
    }
}

@Suite struct RequestStatisticsTests {
    final class Clock: Sendable {
        let seconds = Mutex(1_000_000.0 * 60)
        func advance(minutes: Double) { seconds.withLock { $0 += minutes * 60 } }
    }

    @Test func countsByClassAndForgetsOldMinutes() {
        let clock = Clock()
        let statistics = RequestStatistics(minutes: 30) { clock.seconds.withLock { $0 } }
        statistics.record(status: 200, duration: .milliseconds(2))
        statistics.record(status: 404, duration: .milliseconds(4))
        statistics.record(status: 503, duration: .milliseconds(6))
        #expect(statistics.window.first?.countsByClass == [0, 1, 0, 1, 1])
        #expect(statistics.window.first?.percentile(50) == 4)
        clock.advance(minutes: 31)
        #expect(statistics.window.isEmpty)
        statistics.record(status: 200, duration: .milliseconds(1))
        #expect(statistics.window.count == 1)
    }
}
