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
///   - metrics: the registry that `/metrics` exposes.
public func buildApplication(
    configuration: ServerConfiguration,
    logger: Logger,
    metrics: PrometheusCollectorRegistry
) async throws -> some ApplicationProtocol {
    let metrics = ServiceMetrics(registry: metrics, version: configuration.version)
    let pool = PostgresPool(
        settings: configuration.database, configuration: configuration.pool, logger: logger, observeWait: metrics.poolWait("primary"))
    let replica = configuration.replica.map {
        PostgresPool(settings: $0, configuration: configuration.pool, logger: logger, observeWait: metrics.poolWait("replica"))
    }
    let features = try Features(configuration: configuration, pool: pool, replica: replica, logger: logger, observeJobs: metrics.jobRun)
    let backlog = BacklogSampler(pool: pool, jobKinds: features.jobKinds, metrics: metrics, interval: configuration.backlogInterval, logger: logger)
    return Application(
        router: try await buildRouter(configuration: configuration, pool: pool, features: features, metrics: metrics),
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "StrokePath"),
        services: [pool] + (replica.map { [$0] } ?? [])
            + [AuditSealer(pool: pool, interval: configuration.auditSealInterval, logger: logger), backlog] + features.services,
        logger: logger
    )
}

/// The service's routes and middleware, on a pool and features the caller runs.
public func buildRouter(
    configuration: ServerConfiguration,
    pool: PostgresPool,
    features: Features,
    metrics: ServiceMetrics
) async throws -> Router<AppRequestContext> {
    let migrations = try configuration.migrationsDirectory.map { try MigrationSet(directory: $0) }
    let statistics = RequestStatistics { Date().timeIntervalSince1970 }
    let health = HealthRoutes(
        pool: pool, replica: features.reports.replica, spool: features.acute.spool, timeout: configuration.readinessTimeout, version: configuration.version)

    let provider: OpenIDProvider? = if let settings = configuration.authentication.openID { try await OpenIDProvider.discover(settings) } else { nil }
    let pages = try await PageRenderer.load(pseudoLanguage: configuration.pseudoLanguage)
    let router = Router(context: AppRequestContext.self)
    router.add(
        middleware: RequestObservationMiddleware(
            statistics: statistics, metrics: metrics, maxBodyBytes: configuration.maxBodyBytes,
            trustedProxies: configuration.trustedProxies, formOrigins: provider?.origins ?? [], errorPage: ErrorPage(pages: pages)))
    health.register(on: router)
    try DocumentRoutes().register(on: router)
    let pools = [("primary", pool)] + (features.reports.replica.map { [("replica", $0)] } ?? [])
    router.get("/metrics") { _, _ in
        metrics.sample(pools: pools, spool: features.acute.spool)
        return DocumentRoutes.document(metrics.emit(), type: "text/plain; version=0.0.4; charset=utf-8", cache: "no-store")
    }
    let verifier = try await configuration.authentication.makeVerifier(provider: provider)
    let clock: @Sendable () -> Double = { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }
    // One budget per user for the API and the pages; one per address for refused credentials.
    let perUser = RateLimitMiddleware(
        limiter: RateLimiter(perSecond: configuration.rateLimit.perSecond, burst: configuration.rateLimit.burst, now: clock))
    let perAddress = RateLimiter(perSecond: configuration.failureRateLimit.perSecond, burst: configuration.failureRateLimit.burst, now: clock)
    let failures = CredentialFailures(limiter: perAddress, verifier: verifier)
    let sessions = WebSessions(pool: pool)
    let signedIn = router.group().add(middleware: WebSessionMiddleware(sessions: sessions)).add(middleware: perUser)
        .group(context: SignedInContext.self).add(middleware: PageAuthorizationMiddleware())
    SignInPages(pages: pages, failures: failures, sessions: sessions, provider: provider, requests: SignInRequests(pool: pool), pool: pool).register(
        on: router.group().add(middleware: perUser), signedIn: signedIn)
    let api = router.group("/api/v1")
        .add(middleware: AuthenticationMiddleware(failures: failures))
        .add(middleware: perUser)
        .add(middleware: AuthorizationMiddleware())
    let rehab = features.rehab
    api.addRoutes(IdentityController().endpoints)
    api.addRoutes(PatientController(records: features.patients).endpoints)
    api.addRoutes(PatientIdentityController(identities: features.identities).endpoints)
    let fhirBundle = FHIRBundle(publicURL: configuration.publicURL, host: configuration.host, port: configuration.port)
    let zone = configuration.timeZone ?? .gmt
    let auditEvents = FHIRAuditEvents(pool: pool, bundle: fhirBundle, zone: zone)
    api.addRoutes(AuditController(pool: pool, fhir: auditEvents).endpoints)
    api.addRoutes(AcuteController(acute: features.acute).endpoints)
    api.addRoutes(EpisodeController(episodes: features.episodes, evaluations: features.acute.evaluations).endpoints)
    let acuteEpisodes = AcuteEpisodePages(
        pages: pages, episodes: features.episodes, patients: features.patients, identities: features.identities, zone: configuration.timeZone)
    acuteEpisodes.register(on: signedIn)
    PatientIdentityPage(pages: pages, identities: features.identities, patients: features.patients).register(on: signedIn)
    AcutePages(pages: pages, acute: features.acute, episodes: acuteEpisodes, statements: features.statements).register(on: signedIn)
    AcuteProfilesPage(pages: pages, acute: features.acute, statements: features.statements).register(on: signedIn)
    api.addRoutes(RehabResourceController(resources: rehab.resources).endpoints)
    api.addRoutes(RehabStayController(stays: rehab.stays, bookings: rehab.sessions).endpoints)
    api.addRoutes(RehabSessionController(bookings: rehab.sessions, resources: rehab.resources).endpoints)
    api.addRoutes(RehabSeriesController(bookings: rehab.sessions, waitlist: rehab.waitlist).endpoints)
    api.addRoutes(RehabPlanController(planning: rehab.planning).endpoints)
    RehabPages(pages: pages, rehab: rehab, identities: features.identities, statements: features.statements).register(on: signedIn)
    api.addRoutes(RecoveryController(projections: features.projections, records: features.recoveryRecords).endpoints)
    RecoveryPage(pages: pages, projections: features.projections, records: features.recoveryRecords, statements: features.statements).register(on: signedIn)
    api.addRoutes(ReportController(reports: features.reports).endpoints)
    ReportsPage(pages: pages, reports: features.reports, statements: features.statements).register(on: signedIn)
    BreakGlassPage(pages: pages, pool: pool).register(on: signedIn)
    let fhir = router.group(RouterPath(FHIRController.basePath))
    fhir.get("/metadata") { _, _ in FHIRController.response(FHIRCapability.statement(version: configuration.version, base: fhirBundle.base)) }
    fhir.group().add(middleware: AuthenticationMiddleware(failures: failures)).add(middleware: perUser).add(middleware: AuthorizationMiddleware())
        .addRoutes(
            FHIRController(
                charts: features.charts, intake: features.intake, codes: features.fhirCodes, audit: auditEvents,
                directory: FHIRDirectory(directory: ClinicDirectory(pool: pool), codes: features.fhirCodes, bundle: fhirBundle, zone: zone),
                measures: FHIRMeasureReports(reports: features.reports, bundle: fhirBundle, zone: zone),
                bulk: FHIRBulkExport(exports: features.exports, bundle: fhirBundle), bundle: fhirBundle, zone: zone
            ).endpoints)
    StatusPage(
        pages: pages,
        health: health,
        pool: pool,
        migrations: migrations,
        statistics: statistics,
        startedAt: Date()
    ).register(
        on: router.group()
            .add(
                middleware: RateLimitMiddleware(
                    limiter: RateLimiter(
                        perSecond: configuration.failureRateLimit.perSecond, burst: configuration.failureRateLimit.burst, now: clock))
            )
            .add(middleware: WebSessionMiddleware(sessions: sessions, optional: true)))
    return router
}
