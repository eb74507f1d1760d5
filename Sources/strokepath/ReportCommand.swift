import ArgumentParser
import Clinical
import Foundation
import Logging
import Postgres
import ProtocolLibrary
import Reporting
import Storage

/// `strokepath report`: the regional indicators from the report cells, suppressed as published.
struct ReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Regional indicators by hospital and period, small cells suppressed (Protocols/indicators).",
        discussion:
            "Without filters: every region, all time. Reads only the report cells (as the reporting role); --refresh brings them up to date from the episodes first (--whole: counting every episode again), saying how on standard error."
    )

    enum Format: String, ExpressibleByArgument, CaseIterable { case table, csv, json }
    enum Dialect: String, ExpressibleByArgument, CaseIterable { case standard, excel }

    @Option(help: "A region's code; repeat for more (default: every region).") var region: [String] = []
    @Option(help: "First day (YYYY-MM-DD; its month counts whole).") var from: String?
    @Option(help: "Last day (YYYY-MM-DD).") var to: String?
    @Option(help: "month, quarter, year or all.") var period: String = "year"
    @Option(help: "Rows: hospital, region, age_band, sex, stroke_type or severity_band.") var rows: String = "hospital"
    @Option(help: "One indicator only (an id of Protocols/indicators).") var indicator: String?
    @Option(help: "table, csv or json.") var format: Format = .table
    @Option(help: "For csv: standard (comma, decimal point) or excel (semicolon, decimal comma, byte-order mark).") var dialect: Dialect = .standard
    @Flag(help: "Bring the report cells up to date first (the episodes changed since the last refresh).") var refresh = false
    @Flag(help: "With --refresh: count every episode again (a whole rebuild).") var whole = false

    func validate() throws {
        if whole && !refresh { throw ValidationError("--whole goes with --refresh") }
    }

    func run() async throws {
        let logger = Console.bootstrapLogging()
        guard let period = ReportQuery.Period(rawValue: period) else { throw ValidationError("--period must be month, quarter, year or all") }
        guard let rows = ReportQuery.Rows(rawValue: rows) else {
            throw ValidationError("--rows must be one of \(ReportQuery.Rows.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let days = try [from, to].map { text in
            try text.map { text in
                guard let day = CalendarDay(text) else { throw ValidationError("\(text) is not a day (YYYY-MM-DD)") }
                return day
            }
        }
        let query = ReportQuery(regions: region, from: days[0], to: days[1], period: period, rows: rows, indicator: indicator)
        let catalogue = try ResourceLocator.protocols().indicators()
        let report = try await PostgresPool.withPool(
            settings: DatabaseEnvironment().application, configuration: .init(maximumConnections: 1),
            logger: logger
        ) { pool in
            let regions = try await pool.query("SELECT id FROM organisations WHERE kind = 'region'").map { try $0.decode(UUID.self, at: 0) }
            let context = AccessContext(subject: "strokepath-report", role: "planner", organisations: regions)
            let reports = RegionalReports(pool: pool, catalogue: catalogue, rehab: try ResourceLocator.protocols().rehabCatalogue())
            if refresh {
                let started = Date()
                let done = try await reports.refresh(as: context, whole: whole)
                Console.note(
                    String(
                        format: "report cells: %@, %d of %d episodes recomputed, rehabilitation %@, in %.2f s", done.whole ? "rebuilt" : "updated",
                        done.recomputed, done.episodes, done.rehab ? "counted again" : "unchanged", Date().timeIntervalSince(started)))
            }
            do {
                return try await reports.report(query, as: context)
            } catch let error as Refusal {
                throw ValidationError(error.description)
            }
        }
        switch format {
        case .json:
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            encoder.dateEncodingStrategy = .iso8601
            Console.line(String(decoding: try encoder.encode(report), as: UTF8.self))
        case .csv:
            FileHandle.standardOutput.write(
                Data(ReportCSV.render(report.tables, rowNames: report.rowNames, dialect: ReportCSV.Dialect(rawValue: dialect.rawValue) ?? .standard).utf8))
        case .table:
            Console.line(ReportText.render(report))
        }
    }
}
