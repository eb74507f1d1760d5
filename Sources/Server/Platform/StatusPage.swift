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
        router.get("/") { request, context in
            try pages.page("status", await view(logger: context.logger, texts: pages.texts(request)), request: request, identity: context.identity)
        }
    }

    struct View {
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
        /// The sentences with numbers, in the page's language.
        let text: Sentences
    }

    struct Sentences {
        var migrations: String
        var connections: String
        var idle: String
        var jobsActive: String
        var jobsEnded: String
        var version: String
        var uptime: String
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

    private func view(logger: Logger, texts: TextCatalogue.Texts) async -> View {
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
        let statistics = pool.statistics
        let uptime = Self.describe(Date().timeIntervalSince(startedAt), texts)
        return View(
            version: health.version,
            startedAt: startedAt.formatted(.iso8601),
            uptime: uptime,
            databaseReachable: failure == nil,
            databaseDetail: failure ?? texts.format("status_database_answers", ["timeout": "\(health.timeout)"]),
            schema: schema,
            pool: statistics,
            jobs: jobs,
            requestsChart: Self.requestsChart(window, texts),
            latencyChart: Self.latencyChart(window, now: self.statistics.currentMinute, texts),
            text: Sentences(
                migrations: texts.format("status_migrations", ["applied": "\(schema?.applied ?? 0)", "expected": "\(schema?.expected ?? 0)"]),
                connections: texts.format("status_connections_open", ["open": "\(statistics.open)", "maximum": "\(statistics.maximum)"]),
                idle: texts.format("status_idle", ["idle": "\(statistics.idle)", "waiting": "\(statistics.waiting)"]),
                jobsActive: texts.format("status_jobs_active", ["running": "\(jobs?.running ?? 0)", "queued": "\(jobs?.queued ?? 0)"]),
                jobsEnded: texts.format(
                    jobs?.hasAbandoned == true ? "status_jobs_ended_abandoned" : "status_jobs_ended",
                    ["done": "\(jobs?.done ?? 0)", "failed": "\(jobs?.failed ?? 0)", "abandoned": "\(jobs?.abandoned ?? 0)"]),
                version: texts.format("status_version", ["version": health.version]),
                uptime: texts.format("status_uptime", ["uptime": uptime]))
        )
    }

    static func requestsChart(_ window: [RequestStatistics.Minute], _ texts: TextCatalogue.Texts) -> String {
        let classes = ["1xx", "2xx", "3xx", "4xx", "5xx"]
        let totals = (0..<classes.count).map { index in window.reduce(0) { $0 + $1.countsByClass[index] } }
        let bars = zip(classes, totals).map { SVGChart.Bar(label: $0, value: Double($1)) }
        return SVGChart.bars(bars, title: texts["status_requests_chart"], yLabel: texts["status_requests_axis"], noData: texts["chart_no_data"])
    }

    static func latencyChart(_ window: [RequestStatistics.Minute], now: Int, _ texts: TextCatalogue.Texts) -> String {
        let points = window.compactMap { minute -> SVGChart.Point? in
            guard let median = minute.percentile(50) else { return nil }
            return SVGChart.Point(x: Double(minute.index - now), y: median, low: minute.percentile(10), high: minute.percentile(90))
        }
        return SVGChart.line(
            points, title: texts["status_latency_chart"], xLabel: texts["status_latency_x"], yLabel: texts["status_latency_y"], xDomain: -29...0,
            noData: texts["chart_no_data"])
    }

    /// A duration in words: minutes, hours and minutes, or days and hours.
    static func describe(_ seconds: TimeInterval, _ texts: TextCatalogue.Texts) -> String {
        let minutes = Int(seconds / 60)
        if minutes < 1 { return texts["duration_under_minute"] }
        if minutes < 60 { return texts.format("duration_minutes", ["m": "\(minutes)"]) }
        let hours = minutes / 60
        if hours < 48 { return texts.format("duration_hours", ["h": "\(hours)", "m": "\(minutes % 60)"]) }
        return texts.format("duration_days", ["d": "\(hours / 24)", "h": "\(hours % 24)"])
    }
}
