import AcuteCare
import Foundation
public import Logging
public import Postgres
import ProtocolLibrary
import Recovery
import Rehabilitation
import Reporting
public import ServiceLifecycle
public import Storage

/// Every feature's entry types, each built once on the service's pool from the protocols and
/// handed to its routes and pages (nothing is rebuilt per request).
public struct Features: Sendable {
    let audit: AuditWriter
    let patients: PatientRecords
    let identities: PatientIdentities
    let acute: AcuteDecisionSupport
    let episodes: AcuteEpisodes
    let rehab: RehabClinic
    let projections: RecoveryProjections
    let recoveryRecords: RecoveryRecords
    let reports: RegionalReports
    /// Patients' whole records, for the FHIR façade.
    let charts: PatientCharts
    /// A hospital system's records taken in.
    let intake: RecordIntake
    /// The codes the FHIR façade speaks in (`Protocols/fhir/terminology.json`).
    let fhirCodes: FHIRCodes
    /// Bulk exports of a region's records as FHIR NDJSON.
    let exports: BulkExports
    /// The protocols' statements in each page language.
    let statements: ProtocolStatements
    /// A job worker for each feature's jobs: a plan's solve does not wait behind a report refresh.
    let jobs: [JobWorker]
    /// The kinds of job the workers run.
    let jobKinds: [String]

    /// - Parameters:
    ///   - replica: a hot standby the reports are read from, if there is one.
    ///   - observeJobs: told of every job run as it ends (the service's metrics).
    public init(
        configuration: ServerConfiguration, pool: PostgresPool, replica: PostgresPool? = nil, logger: Logger,
        observeJobs: @escaping @Sendable (JobRun) -> Void = { _ in }
    ) throws {
        let library = ProtocolLibrary(directory: configuration.protocolsDirectory)
        let protocols = try library.loadAll()
        statements = try ProtocolStatements(library: library, english: protocols)
        audit = AuditWriter(pool: pool)
        patients = PatientRecords(pool: pool, audit: audit, breakGlassPerDay: configuration.breakGlassPerDay)
        identities = PatientIdentities(pool: pool, audit: audit)
        acute = AcuteDecisionSupport(
            evaluator: AcuteEvaluator(protocol: protocols.acute), pool: pool, audit: audit, spoolDirectory: configuration.spoolDirectory,
            storeTimeout: configuration.acuteStoreTimeout, logger: Logger(label: "strokepath.acute"))
        episodes = AcuteEpisodes(pool: pool, audit: audit)
        rehab = RehabClinic(pool: pool, catalogue: protocols.rehab)
        projections = RecoveryProjections(pool: pool, projector: RecoveryProjector(protocols.recovery), catalogue: protocols.rehab)
        recoveryRecords = RecoveryRecords(pool: pool, recovery: protocols.recovery)
        reports = RegionalReports(pool: pool, replica: replica, catalogue: protocols.indicators, rehab: protocols.rehab)
        charts = PatientCharts(pool: pool, audit: audit)
        intake = RecordIntake(pool: pool, records: recoveryRecords)
        fhirCodes = try FHIRCodes(try library.terminology())
        exports = BulkExports(
            pool: pool, replica: replica, audit: audit, directory: configuration.exportDirectory, format: FHIRBulkFormat(codes: fhirCodes))
        let handlers = [("rehab", rehab.jobHandlers), ("reports", reports.jobHandlers), ("exports", exports.jobHandlers)]
        jobKinds = handlers.flatMap { $0.1.map(\.kind) }.sorted()
        jobs = handlers.map { feature, handlers in
            JobWorker(
                queue: JobQueue(pool: pool), handlers: handlers, lease: configuration.jobLease, poll: configuration.jobPoll,
                logger: Logger(label: "strokepath.jobs.\(feature)"), observe: observeJobs)
        }
    }

    /// The background work the features need run beside the server: the acute spool, which
    /// writes evaluations kept while the database was away once it returns, and the workers of
    /// durable jobs (weekly solves; report refreshes), which every instance runs.
    public var services: [any Service] { [acute.spool] + jobs }
}
