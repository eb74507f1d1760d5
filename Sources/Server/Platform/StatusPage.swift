import Foundation
import Hummingbird
import Logging
import Postgres
import Storage

/// `/`: the service's status for a person — version and uptime, database reachability,
/// schema state against the migrations this build expects, pool use, background jobs, and the last half
/// hour of requests as charts.
struct StatusPage: Sendable {
    let pages: PageRenderer
    let health: HealthRoutes
    let pool: PostgresPool
    let migrations: MigrationSet?
    let statistics: RequestStatistics
    let startedAt: Date

    func register(on router: RouterGroup<AppRequestContext>) {
        router.get("/") { _, context in
            try pages.page("status", await view(logger: context.logger))
        }
    }

    struct View {
        let title = "Service status"
        let version: String
        let startedAt: String
        let uptime: String
        let databaseReachable: Bool
        let databaseDetail: String
        let schema: Schema?
        let pool: PostgresPool.Statistics
        let jobs: Jobs?
        let requestsChart: String
        let latencyChart: String
    }

    struct Schema {
        let current: Bool
        let applied: Int
        let expected: Int
        let pending: [String]
        let changed: [String]
        var hasPending: Bool { !pending.isEmpty }
        var hasChanged: Bool { !changed.isEmpty }
    }

    /// The durable jobs of every instance, by status.
    struct Jobs {
        let queued: Int
        let running: Int
        let done: Int
        let failed: Int
        /// Running jobs whose lease expired: their instance stopped; another will take them over.
        let abandoned: Int
        let hasAbandoned: Bool

        init(_ counts: [JobStatus: (jobs: Int, abandoned: Int)]) {
            queued = counts[.queued]?.jobs ?? 0
            running = counts[.running]?.jobs ?? 0
            done = counts[.done]?.jobs ?? 0
            failed = counts[.failed]?.jobs ?? 0
            abandoned = counts[.running]?.abandoned ?? 0
            hasAbandoned = abandoned > 0
        }
    }

    private func view(logger: Logger) async -> View {
        let failure = await health.databaseFailure()
        var schema: Schema?
        if failure == nil, let migrations {
            do {
                let statuses = try await Migrator(pool: pool, logger: logger).status(migrations)
                let pending = statuses.filter { $0.status == .pending }.map(\.migration.name)
                let changed = statuses.filter { $0.status == .changed }.map(\.migration.name)
                schema = Schema(
                    current: pending.isEmpty && changed.isEmpty,
                    applied: statuses.count - pending.count,
                    expected: statuses.count,
                    pending: pending,
                    changed: changed
                )
            } catch {
                logger.warning("schema status unavailable", metadata: ["error": "\(error)"])
            }
        }
        var jobs: Jobs?
        if failure == nil {
            jobs = (try? await JobQueue(pool: pool).counts()).map(Jobs.init)
        }
        let window = statistics.window
        return View(
            version: health.version,
            startedAt: startedAt.formatted(.iso8601),
            uptime: Self.describe(Date().timeIntervalSince(startedAt)),
            databaseReachable: failure == nil,
            databaseDetail: failure ?? "answers within \(health.timeout)",
            schema: schema,
            pool: pool.statistics,
            jobs: jobs,
            requestsChart: Self.requestsChart(window),
            latencyChart: Self.latencyChart(window, now: statistics.currentMinute)
        )
    }

    static func requestsChart(_ window: [RequestStatistics.Minute]) -> String {
        let classes = ["1xx", "2xx", "3xx", "4xx", "5xx"]
        let totals = (0..<classes.count).map { index in window.reduce(0) { $0 + $1.countsByClass[index] } }
        let bars = zip(classes, totals).map { SVGChart.Bar(label: $0, value: Double($1)) }
        return SVGChart.bars(bars, title: "Requests in the last 30 minutes, by status", yLabel: "requests")
    }

    static func latencyChart(_ window: [RequestStatistics.Minute], now: Int) -> String {
        let points = window.compactMap { minute -> SVGChart.Point? in
            guard let median = minute.percentile(50) else { return nil }
            return SVGChart.Point(x: Double(minute.index - now), y: median, low: minute.percentile(10), high: minute.percentile(90))
        }
        return SVGChart.line(
            points, title: "Response time: median, band from 10th to 90th percentile",
            xLabel: "minutes (0 = now)", yLabel: "milliseconds", xDomain: -29...0)
    }

    static func describe(_ seconds: TimeInterval) -> String {
        let minutes = Int(seconds / 60)
        if minutes < 1 { return "less than a minute" }
        if minutes < 60 { return "\(minutes) min" }
        let hours = minutes / 60
        if hours < 48 { return "\(hours) h \(minutes % 60) min" }
        return "\(hours / 24) days \(hours % 24) h"
    }
}
