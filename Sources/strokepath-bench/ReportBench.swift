import ArgumentParser
import Dispatch
import Foundation
import Logging
import Postgres
import ProtocolLibrary
import Rehabilitation
import Reporting
import Storage

/// The regional report's time on a loaded database: the full report (every region and
/// hospital by year, all indicators, suppression and funnels) and one indicator's trend (a
/// region's hospitals by month), each the median of `runs`.
struct ReportBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Times the full regional report and one indicator trend (median of --runs) on the database PG* names."
    )

    @Option(help: "The Protocols folder.") var protocols: String
    @Option(help: "Runs of each report.") var runs = 5

    func run() async throws {
        let library = ProtocolLibrary(directory: URL(fileURLWithPath: protocols))
        let catalogue = try library.indicators()
        let rehabCatalogue = try library.rehabCatalogue()
        let logger = Logger(label: "bench")
        try await PostgresPool.withPool(settings: DatabaseEnvironment().application, configuration: .init(maximumConnections: 2), logger: logger) { pool in
            let regions = try await pool.query("SELECT id, code FROM organisations WHERE kind = 'region' ORDER BY code")
            let ids = try regions.map { try $0.decode(UUID.self, at: 0) }
            let codes = try regions.map { try $0.decode(String.self, at: 1) }
            let context = AccessContext(subject: "bench", role: "planner", organisations: ids)
            let reports = RegionalReports(pool: pool, catalogue: catalogue, rehab: rehabCatalogue)
            let full = try await median { _ = try await reports.report(ReportQuery(period: .year, rows: .hospital), as: context) }
            let sample = try await reports.report(ReportQuery(period: .year, rows: .hospital), as: context)
            let episodes = sample.tables.first { $0.indicator.population == .allEpisodes && $0.indicator.kind == .rate }?.total.n ?? 0
            let cells = sample.tables.first?.rows.count ?? 0
            let withheld = sample.tables.reduce(0) { $0 + $1.cells.joined().filter { $0.suppressed == true }.count }
            report(
                String(
                    format: "full regional report (%d episodes, %d hospitals by year, %d indicators, %d values withheld): median %.0f ms of %d",
                    episodes, cells, sample.tables.count, withheld, full * 1e3, runs))
            let region = codes.first.map { [$0] } ?? []
            let trend = try await median {
                _ = try await reports.report(ReportQuery(regions: region, period: .month, rows: .hospital, indicator: "door_to_needle"), as: context)
            }
            report(String(format: "trend of door to needle: %@'s hospitals by month: median %.0f ms of %d", region.first ?? "-", trend * 1e3, runs))
            let every = try await median { _ = try await reports.report(ReportQuery(regions: region, period: .month, rows: .hospital), as: context) }
            report(String(format: "every indicator's trend at once (the dashboard's read): median %.0f ms of %d", every * 1e3, runs))
        }
    }

    /// The median seconds of `runs` calls.
    private func median(_ body: () async throws -> Void) async throws -> Double {
        var times: [Double] = []
        for _ in 0..<max(1, runs) {
            let start = DispatchTime.now().uptimeNanoseconds
            try await body()
            times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        }
        return times.sorted()[times.count / 2]
    }
}
