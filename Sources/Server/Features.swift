import AcuteCare
import Foundation
public import Logging
public import Postgres
import Recovery
import Rehabilitation
import Reporting
public import ServiceLifecycle
import Storage

/// Every feature's entry types, each built once on the service's pool from the protocols and
/// handed to its routes and pages (nothing is rebuilt per request).
public struct Features: Sendable {
    let audit: AuditWriter
    let patients: PatientRecords
    let acute: AcuteDecisionSupport
    let episodes: AcuteEpisodes
    let rehab: RehabClinic
    let projections: RecoveryProjections
    let recoveryRecords: RecoveryRecords
    let reports: RegionalReports

    public init(configuration: ServerConfiguration, pool: PostgresPool, logger: Logger) throws {
        let protocols = configuration.protocolsDirectory
        audit = AuditWriter(pool: pool)
        patients = PatientRecords(pool: pool, audit: audit)
        acute = AcuteDecisionSupport(
            evaluator: AcuteEvaluator(protocol: try AcuteProtocol.load(directory: protocols.appendingPathComponent("acute"))), pool: pool,
            audit: audit, spoolDirectory: configuration.spoolDirectory, storeTimeout: configuration.acuteStoreTimeout,
            logger: Logger(label: "strokepath.acute"))
        episodes = AcuteEpisodes(pool: pool, audit: audit)
        let catalogue = try RehabCatalogue.decode(try Data(contentsOf: protocols.appendingPathComponent("rehab/catalogue.json")))
        rehab = RehabClinic(pool: pool, catalogue: catalogue, logger: Logger(label: "strokepath.rehab"))
        let recovery = try RecoveryProtocol.decode(try Data(contentsOf: protocols.appendingPathComponent("recovery/parameters.json")))
        projections = RecoveryProjections(pool: pool, projector: RecoveryProjector(recovery), catalogue: catalogue)
        recoveryRecords = RecoveryRecords(pool: pool, recovery: recovery)
        let indicators = try IndicatorCatalogue.decode(try Data(contentsOf: protocols.appendingPathComponent("indicators/indicators.json")))
        reports = RegionalReports(pool: pool, catalogue: indicators, rehab: catalogue)
    }

    /// The background work the features need run beside the server: the acute spool, which
    /// writes evaluations kept while the database was away once it returns.
    public var services: [any Service] { [acute.spool] }
}
