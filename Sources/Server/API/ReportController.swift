import Clinical
import Foundation
import Hummingbird
import Reporting
import Storage

/// Regional reports for planners: the indicator tables (JSON, or CSV with `format=csv`) read
/// from the report cells only, and recomputing those cells as a durable job.
struct ReportController: Sendable {
    let reports: RegionalReports

    var endpoints: RouteCollection<AppRequestContext> {
        RouteCollection(context: AppRequestContext.self)
            .get("/reports/regional", use: regional)
            .post("/reports/refresh", use: refresh)
            .get("/reports/refresh/:id", use: refreshJob)
    }

    @Sendable func regional(_ request: Request, context: AppRequestContext) async throws -> Response {
        let query = try Self.query(request)
        let report = try await reports.report(query, as: try context.accessContext())
        guard request.uri.queryParameters.get("format") == "csv" else { return try report.response(from: request, context: context) }
        return Self.csv(report, dialect: try Self.dialect(request))
    }

    /// The report as a CSV download.
    static func csv(_ report: RegionalReport, dialect: ReportCSV.Dialect) -> Response {
        Response(
            status: .ok, headers: [.contentType: "text/csv; charset=utf-8", .contentDisposition: "attachment; filename=\"regional-report.csv\""],
            body: .init(byteBuffer: ByteBuffer(string: ReportCSV.render(report.tables, rowNames: report.rowNames, dialect: dialect))))
    }

    /// The CSV dialect a request asks for (`dialect`, default standard).
    static func dialect(_ request: Request) throws -> ReportCSV.Dialect {
        guard let given = request.uri.queryParameters.get("dialect") else { return .standard }
        guard let dialect = ReportCSV.Dialect(rawValue: given) else {
            throw Refusal.invalidParameter("dialect", "must be standard or excel")
        }
        return dialect
    }

    /// Queues a refresh (or answers the same one waiting in the queue): 202 with the job, at `Location`.
    @Sendable func refresh(_ request: Request, context: AppRequestContext) async throws -> some ResponseGenerator {
        let job = try await reports.queueRefresh(as: try context.accessContext(), whole: try QueryParameter.flag(request, "whole"))
        return answer(job, status: .accepted, location: "/api/v1/reports/refresh/\(job.id.uuidString.lowercased())")
    }

    /// A refresh job: its status, and once done what it counted.
    @Sendable func refreshJob(_ request: Request, context: AppRequestContext) async throws -> some ResponseGenerator {
        let id = try QueryParameter.id(context, "refresh")
        guard let job = try await reports.refreshJob(id, as: try context.accessContext()) else {
            throw Refusal.notFound("No refresh with that id is visible to you.")
        }
        return job
    }

    /// The query of a request: `region` (repeatable), `from`, `to`, `period`, `rows`, and strata.
    static func query(_ request: Request) throws -> ReportQuery {
        let parameters = request.uri.queryParameters
        func day(_ name: String) throws -> CalendarDay? {
            guard let text = parameters.get(name) else { return nil }
            guard let day = CalendarDay(text) else { throw Refusal.invalidParameter(name, "must be a day (YYYY-MM-DD)") }
            return day
        }
        func number(_ name: String) throws -> Int? {
            guard let text = parameters.get(name) else { return nil }
            guard let value = Int(text) else { throw Refusal.invalidParameter(name, "must be a whole number") }
            return value
        }
        guard let period = ReportQuery.Period(rawValue: parameters.get("period") ?? "year") else {
            throw Refusal.invalidParameter("period", "must be month, quarter, year or all")
        }
        guard let rows = ReportQuery.Rows(rawValue: parameters.get("rows") ?? "hospital") else {
            throw Refusal.invalidParameter("rows", "must be one of \(ReportQuery.Rows.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        if let format = parameters.get("format"), !["json", "csv"].contains(format) {
            throw Refusal.invalidParameter("format", "must be json or csv")
        }
        return ReportQuery(
            regions: parameters.getAll("region").map { String($0) }, from: try day("from"), to: try day("to"), period: period, rows: rows,
            ageBand: try number("ageBand"), sex: parameters.get("sex"), strokeType: parameters.get("strokeType"),
            severityBand: try number("severityBand"), indicator: parameters.get("indicator"))
    }
}
