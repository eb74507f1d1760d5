import Postgres
public import Prometheus
import Storage

/// The service's Prometheus metrics, each named by convention (`strokepath_` first, `_total` for
/// counters, `_seconds` for durations) and with its help text; docs/operations.md, "Monitoring",
/// lists them. Requests, pool waits and job runs are recorded as they happen; the pools' and
/// the spool's gauges when `/metrics` is read (`sample`); the database's backlog by
/// `BacklogSampler`. Every metric is made here, so no two places can name one differently.
public final class ServiceMetrics: Sendable {
    let registry: PrometheusCollectorRegistry

    /// Request latencies: 1 ms to 10 s.
    private static let requestBuckets: [Duration] = [1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000].map { .milliseconds($0) }
    /// Waits for a database connection: 0.1 ms to 10 s (the lease timeout).
    private static let waitBuckets: [Duration] = [0.1, 0.5, 1, 5, 10, 50, 100, 500, 1_000, 5_000, 10_000].map { .milliseconds($0) }
    /// Job runs: 0.1 s to 30 min.
    private static let jobBuckets: [Duration] = [0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1_800].map { .milliseconds($0 * 1_000) }

    /// Exposes its metrics in `registry` and states the build's version there.
    public init(registry: PrometheusCollectorRegistry, version: String) {
        self.registry = registry
        registry.makeGauge(descriptor: Self.name("build", "info", help: "The running version (always 1)."), labels: [("version", version)])
            .set(1.0)
    }

    /// The exposition text.
    func emit() -> [UInt8] { registry.emitToBuffer() }

    /// A request answered: counted by method, route template and status, timed by method and route.
    func request(method: String, route: String, status: Int, duration: Duration) {
        registry.makeCounter(
            descriptor: Self.name("http_requests", "total", help: "HTTP requests answered, by method, route template and status."),
            labels: [("method", method), ("route", route), ("status", String(status))]
        ).increment()
        registry.makeDurationHistogram(
            descriptor: Self.name("http_request_duration", "seconds", help: "Time to answer an HTTP request, by method and route template."),
            labels: [("method", method), ("route", route)], buckets: Self.requestBuckets
        ).record(duration)
    }

    /// What a pool tells of each caller's wait for a connection (`pool`: primary or replica).
    public func poolWait(_ pool: String) -> @Sendable (Duration) -> Void {
        let histogram = registry.makeDurationHistogram(
            descriptor: Self.name(
                "db_pool_wait", "seconds", help: "Time a caller waited for a database connection (opening one included), by pool."),
            labels: [("pool", pool)], buckets: Self.waitBuckets)
        return { histogram.record($0) }
    }

    /// A durable job's run ended.
    func jobRun(_ run: JobRun) {
        registry.makeDurationHistogram(
            descriptor: Self.name(
                "job_run_duration", "seconds",
                help:
                    "Durable job runs in this instance, by kind (plan_solve: the weekly solver; report_refresh: the reports' refresh) and how they ended."
            ),
            labels: [("kind", run.kind), ("outcome", run.outcome.rawValue)], buckets: Self.jobBuckets
        ).record(run.duration)
    }

    /// Sets the gauges read from this process: each pool's connections and the acute spool.
    func sample(pools: [(name: String, pool: PostgresPool)], spool: EvaluationSpool) {
        for (name, pool) in pools {
            let statistics = pool.statistics
            for (state, count) in [("open", statistics.open), ("idle", statistics.idle), ("waiting", statistics.waiting)] {
                registry.makeGauge(
                    descriptor: Self.name(
                        "db_pool_connections", nil, help: "Database connections of this instance by pool and state (waiting: callers without one)."),
                    labels: [("pool", name), ("state", state)]
                ).set(Double(count))
            }
            registry.makeGauge(
                descriptor: Self.name("db_pool_max_connections", nil, help: "The most connections a pool of this instance opens."),
                labels: [("pool", name)]
            ).set(Double(statistics.maximum))
        }
        registry.makeGauge(
            descriptor: Self.name(
                "acute_spool_evaluations", nil, help: "Acute evaluations kept in this instance's spool until the database takes them.")
        ).set(Double(spool.pending().count))
    }

    /// Sets the gauges of the database's backlog, shared by every instance.
    func backlog(jobs: [(kind: String, queued: Int, oldestWait: Double)], unsealedAuditRows: Int, at time: Double) {
        for job in jobs {
            registry.makeGauge(
                descriptor: Self.name("jobs_queued", nil, help: "Durable jobs in the queue (retries waiting their turn included), by kind."),
                labels: [("kind", job.kind)]
            ).set(Double(job.queued))
            registry.makeGauge(
                descriptor: Self.name(
                    "jobs_oldest_queued_age", "seconds",
                    help: "How long the longest-waiting job of a kind that could run has waited since it could (0 when none)."),
                labels: [("kind", job.kind)]
            ).set(job.oldestWait)
        }
        registry.makeGauge(
            descriptor: Self.name(
                "audit_unsealed_rows", nil, help: "Audit rows committed but not yet sealed into the hash chain (grows when no sealer runs).")
        ).set(Double(unsealedAuditRows))
        registry.makeGauge(
            descriptor: Self.name(
                "backlog_sampled", "timestamp_seconds", help: "When the job and audit backlog were last read from the database (Unix time).")
        ).set(time)
    }

    private static func name(_ metric: String, _ unit: String?, help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(namespace: "strokepath", metricName: metric, unitName: unit ?? "", helpText: help)
    }
}
