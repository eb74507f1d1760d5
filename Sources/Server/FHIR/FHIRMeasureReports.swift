import Clinical
import Foundation
import Hummingbird
import Reporting
import Storage

/// The regional indicators as FHIR R4 `MeasureReport`s (summary, one per indicator), read
/// through the same disclosure layer as the API's report: each row (a hospital, a clinic or a
/// stratum) a stratum of the report's one stratifier, with its population and score; a value
/// withheld for disclosure is said as a score with data-absent-reason `masked` (and no count).
/// For planners and admins, as the API's report.
struct FHIRMeasureReports: Sendable {
    let reports: RegionalReports
    let bundle: FHIRBundle
    let zone: TimeZone

    static let parameters: [String: String] = ["measure": "reference", "period": "date", "region": "token"]
    static let measureBase = "https://strokepath.se/fhir/Measure/"

    /// `GET /fhir/R4/MeasureReport`: `region` (an organisation code, repeatable), `period`
    /// (`ge` from, `le` until; the last full year by default, as the API), `measure` (an
    /// indicator's id or canonical URL).
    @Sendable func search(_ request: Request, context: AppRequestContext) async throws -> Response {
        let search = try FHIRSearch(request, type: "MeasureReport", allowed: Set(Self.parameters.keys), zone: zone)
        guard search.offset == 0 else { throw Refusal.invalidParameter("_offset", "is not served for MeasureReport: one answer holds every indicator") }
        guard search.dates.allSatisfy({ $0.bounds != nil }) else {
            throw Refusal.invalidParameter("period", "takes ge, gt, le, lt or eq for MeasureReport")
        }
        // Every condition holds: the latest first day, the earliest last.
        let from = search.dates.compactMap { $0.bounds?.from }.max().map { Self.day($0, zone: zone) }
        let to = search.dates.compactMap { $0.bounds?.through }.min().map { Self.day($0, zone: zone) }
        let measure = search.references["measure"].map { $0.hasPrefix(Self.measureBase) ? String($0.dropFirst(Self.measureBase.count)) : $0 }
        let query = ReportQuery(regions: search.regions, from: from, to: to, period: .year, rows: .hospital, indicator: measure)
        let report = try await reports.report(query, as: try context.accessContext())
        let resources = report.tables.map { Self.measureReport($0, report: report) }
        // One answer holds every indicator asked for (`_count` does not cut it: there is no next page).
        return FHIRController.response(bundle.searchset(resources, total: resources.count, page: (0, max(resources.count, 1)), request: request))
    }

    static func measureReport(_ table: IndicatorTable, report: RegionalReport) -> FHIRResource {
        let indicator = table.indicator
        let unit = indicator.unit
        let strata: [JSONValue] = zip(table.rows, table.rowTotals).map { row, value in
            FHIRJSON.object([
                ("value", .object(["text": .string(report.rowNames[row] ?? row)])),
                ("population", population(value)),
                ("measureScore", score(value, unit: unit)),
            ])
        }
        let group = FHIRJSON.object([
            ("code", .object(["text": .string(indicator.title)])),
            ("population", population(table.total)),
            ("measureScore", score(table.total, unit: unit)),
            ("stratifier", .array([.object(["code": .array([.object(["text": .string(report.rows.rawValue)])]), "stratum": .array(strata)])])),
        ])
        var resource = FHIRResource(
            "MeasureReport", id: "", patient: nil,
            [
                ("status", .string("complete")), ("type", .string("summary")),
                ("measure", .string(measureBase + indicator.id)),
                ("date", FHIRJSON.dateTime(report.generatedAt)),
                ("period", period(table.periods)),
                ("improvementNotation", improvement(indicator.direction)),
                ("group", .array([group])),
            ])
        resource.fullUrl = "urn:uuid:\(UUID().uuidString.lowercased())"
        return resource
    }

    /// The initial population (the value's n), unless the value is withheld.
    private static func population(_ value: ReportValue) -> JSONValue? {
        guard value.suppressed != true, let n = value.n else { return nil }
        return .array([
            .object([
                "code": .object([
                    "coding": .array([
                        .object([
                            "system": .string("http://terminology.hl7.org/CodeSystem/measure-population"), "code": .string("initial-population"),
                        ])
                    ])
                ]),
                "count": .number(Double(n)),
            ])
        ])
    }

    /// The score, or data-absent-reason `masked` when withheld (`unknown` when there is none).
    private static func score(_ value: ReportValue, unit: String) -> JSONValue {
        guard value.suppressed != true, let score = value.value else {
            return .object([
                "extension": .array([
                    .object([
                        "url": .string("http://hl7.org/fhir/StructureDefinition/data-absent-reason"),
                        "valueCode": .string(value.suppressed == true ? "masked" : "unknown"),
                    ])
                ])
            ])
        }
        return .object(["value": .number(score), "unit": .string(unit)])
    }

    /// From the first year of the report to its last (FHIR dateTimes of year precision).
    private static func period(_ periods: [String]) -> JSONValue? {
        guard let first = periods.first, let last = periods.last else { return nil }
        return FHIRJSON.object([("start", .string(first)), ("end", .string(last))])
    }

    private static func improvement(_ direction: IndicatorCatalogue.Direction) -> JSONValue? {
        guard direction != .nominal else { return nil }
        let code = direction == .lower ? "decrease" : "increase"
        return .object([
            "coding": .array([.object(["system": .string("http://terminology.hl7.org/CodeSystem/measure-improvement-notation"), "code": .string(code)])])
        ])
    }

    private static func day(_ date: Date, zone: TimeZone) -> CalendarDay {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        return CalendarDay(year: parts.year ?? 1970, month: parts.month ?? 1, day: parts.day ?? 1)
    }
}
