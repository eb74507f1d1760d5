import Clinical
import Foundation
import Hummingbird
import Postgres
import Storage

/// The auditor's view of the audit log: filtered search and a random sample.
struct AuditController: Sendable {
    let pool: PostgresPool
    /// The events as FHIR (`format=fhir`).
    let fhir: FHIRAuditEvents

    var endpoints: RouteCollection<AppRequestContext> {
        RouteCollection(context: AppRequestContext.self)
            .get("/audit/events", use: events)
            .get("/audit/sample", use: sample)
    }

    @Sendable func events(_ request: Request, context: AppRequestContext) async throws -> Response {
        var filter = try period(request)
        filter.subject = request.uri.queryParameters["subject"].map(String.init)
        filter.patient = try request.uri.queryParameters["patient"].map { text in
            guard let id = UUID(uuidString: String(text)) else {
                throw Refusal.invalidParameter("patient", "must be a patient id (UUID)")
            }
            return id
        }
        filter.onlyBreakGlass = request.uri.queryParameters["breakGlass"] == "true"
        let fhirFormat = request.uri.queryParameters["format"] == "fhir"
        // As FHIR, one more than asked (within the search's 5,000): the bundle says when more events match.
        let limit = try QueryParameter.integer(request, "limit", default: 500, range: 1...(fhirFormat ? 4_999 : 5_000))
        filter.limit = fhirFormat ? limit + 1 : limit
        let entries = try await AuditQueries.search(filter, as: try context.accessContext(), pool: pool)
        guard fhirFormat else { return try entries.response(from: request, context: context) }
        return FHIRController.response(fhir.bundle(entries, request: request, count: limit, parameter: "limit", maximum: 4_999))
    }

    @Sendable func sample(_ request: Request, context: AppRequestContext) async throws -> some ResponseGenerator {
        var filter = try period(request)
        filter.sampleSize = try QueryParameter.integer(request, "size", default: 20, range: 1...1000)
        let entries = try await AuditQueries.search(filter, as: try context.accessContext(), pool: pool)
        return entries
    }

    /// `since` and `until` (ISO 8601); the last 30 days by default.
    private func period(_ request: Request) throws -> AuditQueries.Filter {
        let until = try QueryParameter.date(request, "until") ?? Date()
        let since = try QueryParameter.date(request, "since") ?? until.addingTimeInterval(-30 * 86_400)
        guard since < until else { throw Refusal.invalid("until", "must be after since") }
        return AuditQueries.Filter(since: since, until: until)
    }
}
