import Dispatch
import Foundation
public import Hummingbird
public import Logging
public import Postgres
public import Prometheus
import Storage

/// Builds the StrokePath HTTP service: routes, middleware and the database pool (run as a
/// service of the application, closed after the server stops on SIGTERM/SIGINT).
///
/// `main` and the tests both call this; tests pass port 0.
/// - Parameters:
///   - configuration: where to listen, which database, limits.
///   - logger: the service's logger.
///   - metrics: the registry that `/metrics` exposes (bootstrapped as the metrics backend
///     by the caller).
public func buildApplication(
    configuration: ServerConfiguration,
    logger: Logger,
    metrics: PrometheusCollectorRegistry
) async throws -> some ApplicationProtocol {
    let pool = PostgresPool(settings: configuration.database, configuration: configuration.pool, logger: logger)
    let features = try Features(configuration: configuration, pool: pool, logger: logger)
    return Application(
        router: try await buildRouter(configuration: configuration, pool: pool, features: features, metrics: metrics),
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "StrokePath"),
        services: [pool, AuditSealer(pool: pool, interval: configuration.auditSealInterval, logger: logger)] + features.services,
        logger: logger
    )
}

/// The service's routes and middleware, on a pool and features the caller runs.
public func buildRouter(
    configuration: ServerConfiguration,
    pool: PostgresPool,
    features: Features,
    metrics: PrometheusCollectorRegistry
) async throws -> Router<AppRequestContext> {
    let migrations = try configuration.migrationsDirectory.map { try MigrationSet(directory: $0) }
    let statistics = RequestStatistics { Date().timeIntervalSince1970 }
    let health = HealthRoutes(pool: pool, timeout: configuration.readinessTimeout, version: configuration.version)

    let router = Router(context: AppRequestContext.self)
    router.add(middleware: RequestObservationMiddleware(statistics: statistics, maxBodyBytes: configuration.maxBodyBytes))
    router.add(middleware: MetricsMiddleware())
    health.register(on: router)
    try DocumentRoutes(metrics: metrics).register(on: router)
    let verifier = try await configuration.authentication.makeVerifier()
    let pages = try await PageRenderer.load()
    SignInPages(pages: pages, verifier: verifier).register(on: router)
    let api = router.group("/api/v1")
        .add(middleware: AuthenticationMiddleware(verifier: verifier))
        .add(
            middleware: RateLimitMiddleware(
                limiter: RateLimiter(
                    perSecond: configuration.rateLimit.perSecond, burst: configuration.rateLimit.burst,
                    now: { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }))
        )
        .add(middleware: AuthorizationMiddleware())
    let rehab = features.rehab
    IdentityRoutes().register(on: api)
    PatientRoutes(records: features.patients).register(on: api)
    AuditRoutes(pool: pool).register(on: api)
    AcuteRoutes(acute: features.acute).register(on: api)
    EpisodeRoutes(episodes: features.episodes, evaluations: features.acute.evaluations).register(on: api)
    AcutePages(pages: pages, verifier: verifier, acute: features.acute).register(on: router)
    AcuteProfilesPage(pages: pages, verifier: verifier, acute: features.acute).register(on: router)
    RehabResourceRoutes(resources: rehab.resources).register(on: api)
    RehabStayRoutes(stays: rehab.stays, bookings: rehab.sessions).register(on: api)
    RehabSessionRoutes(bookings: rehab.sessions, resources: rehab.resources).register(on: api)
    RehabSeriesRoutes(bookings: rehab.sessions, waitlist: rehab.waitlist).register(on: api)
    RehabPlanRoutes(planning: rehab.planning).register(on: api)
    RehabPages(pages: pages, verifier: verifier, rehab: rehab).register(on: router)
    RecoveryRoutes(projections: features.projections, records: features.recoveryRecords).register(on: api)
    RecoveryPage(pages: pages, verifier: verifier, projections: features.projections, records: features.recoveryRecords).register(on: router)
    ReportRoutes(reports: features.reports).register(on: api)
    ReportsPage(pages: pages, verifier: verifier, reports: features.reports).register(on: router)
    StatusPage(
        pages: pages,
        health: health,
        pool: pool,
        migrations: migrations,
        statistics: statistics,
        startedAt: Date()
    ).register(on: router)
    return router
}
