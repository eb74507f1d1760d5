import ArgumentParser
import Clinical
import Foundation
import Logging
import Postgres
import ProtocolLibrary
import Reporting
import Seed
import Storage

/// `strokepath seed --demo`: loads the demo region.
struct SeedCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "seed",
        abstract: "Load data into the database.",
        discussion:
            "--synthetic --episodes N --regions R --seed S loads N synthetic acute episodes (with patients and 90-day outcomes) into R new regions of eight hospitals, and a session-level rehab sample (--rehab-stays, by default one stay for 200 episodes up to 5,000: a rehab clinic per region with therapists, rooms and a pool, stays, prescriptions, sessions with attendance, and day-90 forecasts with their assessments), as the schema owner with COPY, then computes the report cells; the distributions and their sources are in docs/reporting.md. --demo loads a small demo region (two hospitals, one rehabilitation clinic with therapists, rooms, a pool, bath cabins and a mud room, patients with prescriptions and published plans of the current and the next week, recovery assessments to fit, and a small synthetic region SYN2026-R01 for the reports); loading it again adds only what is missing: on a later day, the plans of that day's week and the next."
    )

    @Flag(help: "Load the demo region.") var demo = false
    @Flag(help: "Load synthetic episodes for reports (with --episodes, --regions, --seed).") var synthetic = false
    @Option(help: "Synthetic episodes to load.") var episodes = 100_000
    @Option(help: "Synthetic regions (eight hospitals each).") var regions = 4
    @Option(help: "Seed of the synthetic data (the same seed gives the same data).") var seed: UInt64 = 1
    @Option(help: "Rehab stays in the session-level sample (default: one for 200 episodes, at most 5,000).") var rehabStays: Int?

    func validate() throws {
        guard demo != synthetic else { throw ValidationError("say what to load: --demo or --synthetic") }
        guard (1...10_000_000).contains(episodes) else { throw ValidationError("--episodes must be 1 to 10000000") }
        guard (1...50).contains(regions) else { throw ValidationError("--regions must be 1 to 50") }
        if let rehabStays, !(0...100_000).contains(rehabStays) { throw ValidationError("--rehab-stays must be 0 to 100000") }
    }

    func run() async throws {
        if synthetic { return try await loadSynthetic() }
        let logger = Console.bootstrapLogging()
        let catalogue = try ResourceLocator.protocols().rehabCatalogue()
        let (report, clinic, assessments) = try await PostgresPool.withPool(
            settings: DatabaseEnvironment().application, configuration: .init(maximumConnections: 1), logger: logger
        ) { pool in
            let report = try await DemoData.load(into: pool)
            Console.line("demo rehabilitation clinic: planning this week and the next, where not yet planned …")
            let clinic = try await DemoClinic.load(
                into: pool, catalogue: catalogue, week: DemoClinic.monday(of: Date()), publishing: 3, weeks: 2)
            return (report, clinic, try await DemoRecovery.load(into: pool))
        }
        let episodes = try await loadDemoReports(logger: logger)
        Console.line("demo data: \(report.organisations) organisations, \(report.patients) patients, \(report.episodes) episodes added")
        Console.line(
            "demo clinic: \(clinic.therapists) therapists, \(clinic.rooms) rooms, \(clinic.stays) stays, \(clinic.sessions) sessions booked, "
                + "\(clinic.attendance) attendances recorded, \(clinic.waiting) on the waitlist, \(assessments) recovery assessments")
        Console.line(
            "demo reports: \(episodes) synthetic episodes added in region \(Self.demoReportRegion) with a rehab clinic "
                + "(small hospitals: some cells withheld)")
    }

    /// The demo's reporting region: a small synthetic region (seed 2026) whose smallest
    /// hospitals give withheld cells; the report cells computed. Nothing when loaded already.
    static let demoReportRegion = "SYN2026-R01"

    private func loadDemoReports(logger: Logger) async throws -> Int {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = .gmt
        let region = SyntheticRegion(episodes: 3_000, regions: 1, seed: 2026, end: calendar.startOfDay(for: Date()), rehabStays: 400)
        return try await PostgresPool.withPool(settings: DatabaseEnvironment().owner, configuration: .init(maximumConnections: 1), logger: logger) { pool in
            do {
                let loaded = try await region.load(into: pool) { _ in }
                _ = try await Self.refreshReports(pool)
                return loaded.episodes
            } catch let error as Refusal where error.field == "seed" {
                return 0
            }
        }
    }

    /// Loads the synthetic region as the owner, then computes the report cells; prints both times.
    private func loadSynthetic() async throws {
        let logger = Console.bootstrapLogging()
        let total = episodes
        let started = Date()
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = .gmt
        let end = calendar.startOfDay(for: Date())
        let region = SyntheticRegion(episodes: total, regions: regions, seed: seed, end: end, rehabStays: rehabStays ?? min(total / 200, 5_000))
        let (loaded, refreshed, refreshSeconds) = try await PostgresPool.withPool(
            settings: DatabaseEnvironment().owner, configuration: .init(maximumConnections: 1), logger: logger
        ) { pool in
            let loaded: SyntheticRegion.Report
            do {
                loaded = try await region.load(
                    into: pool, progress: { done in Console.progress(done, of: total, started: started, label: "episodes") },
                    stage: { Console.line($0) })
            } catch let error as Refusal {
                throw ValidationError(error.description)
            }
            let refreshStarted = Date()
            Console.line("computing the report cells …")
            let refreshed = try await Self.refreshReports(pool)
            return (loaded, refreshed, Date().timeIntervalSince(refreshStarted))
        }
        Console.line(
            String(
                format:
                    "synthetic data: %d organisations, %d episodes with their patients in %.1f s (%.0f episodes/s; copied in %.1f s, indexed in %.1f s, every key checked in %.1f s)",
                loaded.organisations, loaded.episodes, loaded.seconds, Double(loaded.episodes) / max(loaded.seconds, 1e-9), loaded.copySeconds,
                loaded.indexSeconds, loaded.keySeconds))
        Console.line(
            String(
                format: "rehab sample: %d stays with %d sessions and %d day-90 forecasts in %.1f s", loaded.rehabStays, loaded.rehabSessions,
                loaded.forecasts, loaded.rehabSeconds))
        Console.line(
            String(
                format: "report cells computed from %d episodes (%d recomputed) and %d rehab stays in %.1f s", refreshed.episodes, refreshed.recomputed,
                refreshed.stays, refreshSeconds))
    }

    /// Computes the report cells as the owner; returns the episodes and stays counted.
    static func refreshReports(_ owner: PostgresPool) async throws -> ReportRefresh {
        let catalogue = try ResourceLocator.protocols().indicators()
        let rehab = try ResourceLocator.protocols().rehabCatalogue()
        return try await owner.withTransaction { try await RegionalReports.refresh(on: $0, catalogue: catalogue, rehab: rehab) }
    }
}
