import AcuteCare
import Dispatch
import Foundation
public import Hummingbird
public import Logging
public import Postgres
public import Prometheus
import Recovery
import Rehabilitation
import Reporting
public import Storage

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
    return Application(
        router: try await buildRouter(configuration: configuration, pool: pool, metrics: metrics),
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "StrokePath"),
        services: [
            pool, AuditSealer(pool: pool, interval: configuration.auditSealInterval, logger: logger),
            evaluationSpool(configuration, pool: pool, logger: logger),
        ],
        logger: logger
    )
}

/// The durable spool for acute evaluations made while the database is away; run as a
/// service, it writes them to the database when it returns.
public func evaluationSpool(_ configuration: ServerConfiguration, pool: PostgresPool, logger: Logger) -> EvaluationSpool {
    EvaluationSpool(directory: configuration.spoolDirectory, evaluations: AcuteEvaluations(pool: pool, audit: AuditWriter(pool: pool)), logger: logger)
}

/// The service's routes and middleware, on a pool the caller runs.
public func buildRouter(
    configuration: ServerConfiguration,
    pool: PostgresPool,
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
    let audit = AuditWriter(pool: pool)
    let evaluations = AcuteEvaluations(pool: pool, audit: audit)
    let acute = AcuteService(
        evaluator: AcuteEvaluator(protocol: try AcuteProtocol.load(directory: configuration.protocolsDirectory.appendingPathComponent("acute"))),
        evaluations: evaluations, spool: evaluationSpool(configuration, pool: pool, logger: Logger(label: "strokepath.acute")), pool: pool,
        storeTimeout: configuration.acuteStoreTimeout, logger: Logger(label: "strokepath.acute")
    )
    IdentityRoutes().register(on: api)
    PatientRoutes(records: PatientRecords(pool: pool, audit: audit)).register(on: api)
    AuditRoutes(pool: pool).register(on: api)
    AcuteRoutes(service: acute).register(on: api)
    EpisodeRoutes(episodes: AcuteEpisodes(pool: pool, audit: audit), evaluations: evaluations).register(on: api)
    AcutePages(pages: pages, verifier: verifier, service: acute).register(on: router)
    AcuteProfilesPage(pages: pages, verifier: verifier, service: acute).register(on: router)
    let catalogue = try RehabCatalogue.decode(try Data(contentsOf: configuration.protocolsDirectory.appendingPathComponent("rehab/catalogue.json")))
    let bookings = RehabBookings(pool: pool, catalogue: catalogue)
    RehabResourceRoutes(resources: RehabResources(pool: pool)).register(on: api)
    RehabStayRoutes(stays: RehabStays(pool: pool, catalogue: catalogue), bookings: bookings).register(on: api)
    RehabSessionRoutes(bookings: bookings).register(on: api)
    RehabSeriesRoutes(bookings: bookings).register(on: api)
    RehabPlanRoutes(bookings: bookings, runner: PlanRunner(plans: RehabPlans(bookings: bookings), logger: Logger(label: "strokepath.rehab"))).register(on: api)
    RehabPages(pages: pages, verifier: verifier, bookings: bookings).register(on: router)
    let recovery = try RecoveryProtocol.decode(try Data(contentsOf: configuration.protocolsDirectory.appendingPathComponent("recovery/parameters.json")))
    let projections = RecoveryProjections(pool: pool, projector: RecoveryProjector(recovery), catalogue: catalogue)
    let recoveryRecords = RecoveryRecords(pool: pool, recovery: recovery)
    RecoveryRoutes(projections: projections, records: recoveryRecords).register(on: api)
    RecoveryPage(pages: pages, verifier: verifier, projections: projections, records: recoveryRecords).register(on: router)
    let indicators = try IndicatorCatalogue.decode(try Data(contentsOf: configuration.protocolsDirectory.appendingPathComponent("indicators/indicators.json")))
    let regionalReports = RegionalReports(pool: pool, catalogue: indicators, rehab: catalogue)
    ReportRoutes(reports: regionalReports).register(on: api)
    ReportsPage(pages: pages, verifier: verifier, reports: regionalReports).register(on: router)
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
