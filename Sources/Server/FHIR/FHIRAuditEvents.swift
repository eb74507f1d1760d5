import Clinical
import Foundation
import Hummingbird
import Postgres
import Storage

/// Audit rows as FHIR R4 `AuditEvent`s in the IHE Basic Audit Log Patterns style: a RESTful
/// event with the user as the requesting agent and the organisation acted for as a second
/// agent, StrokePath as source, and the patient and the resource as entities. Served to
/// auditors at `/fhir/R4/AuditEvent` and by the API's `format=fhir`, as a `searchset` Bundle.
struct FHIRAuditEvents: Sendable {
    let pool: PostgresPool
    let bundle: FHIRBundle
    let zone: TimeZone

    /// `GET /fhir/R4/AuditEvent`: the events in the auditor's organisations, by `patient` and
    /// `date` (`ge`/`gt` from, `le`/`lt` until, `eq` within; the last 30 days by default), newest
    /// first, at most `_count` (a warning entry says when more match: narrow the dates).
    @Sendable func search(_ request: Request, context: AppRequestContext) async throws -> Response {
        let search = try FHIRSearch(request, type: "AuditEvent", allowed: ["patient", "date"], zone: zone)
        guard search.offset == 0 else { throw Refusal.invalidParameter("_offset", "is not served for AuditEvent: narrow the dates instead") }
        guard search.dates.allSatisfy({ $0.bounds != nil }) else { throw Refusal.invalidParameter("date", "takes ge, gt, le, lt or eq for AuditEvent") }
        // Every condition holds: the latest start, the earliest end (the filter's end is exclusive).
        let since = search.dates.compactMap { $0.bounds?.from }.max()
        let until = search.dates.compactMap { $0.bounds?.through }.min().map { $0.addingTimeInterval(0.001) } ?? Date()
        var filter = AuditQueries.Filter(since: since ?? until.addingTimeInterval(-30 * 86_400), until: until)
        guard filter.since < filter.until else { throw Refusal.invalidParameter("date", "must leave a period: the start is after the end") }
        filter.patient = search.patient
        filter.limit = search.count + 1
        let entries = try await AuditQueries.search(filter, as: try context.accessContext(), pool: pool)
        return FHIRController.response(bundle(entries, request: request, count: search.count, parameter: "_count", maximum: FHIRSearch.maximumCount))
    }

    /// The first `count` entries; a warning when there are more, naming the parameter that asks for more.
    func bundle(_ entries: [AuditQueries.Entry], request: Request, count: Int, parameter: String, maximum: Int) -> JSONValue {
        let more = entries.count > count
        return bundle.searchset(
            entries.prefix(count).map(Self.event), total: more ? nil : entries.count, page: (0, max(count, 1)),
            warning: more ? "More events match than the \(count) shown: narrow the dates, or ask for up to \(maximum) with \(parameter)." : nil,
            request: request)
    }

    static func event(_ entry: AuditQueries.Entry) -> FHIRResource {
        let user = FHIRJSON.object([
            ("type", concept("http://terminology.hl7.org/CodeSystem/v3-ParticipationType", entry.action.changes ? "AUT" : "IRCP")),
            ("who", .object(["identifier": .object(["value": .string(entry.actorSubject)])])),
            ("requestor", .bool(true)),
            ("role", .array([.object(["text": .string(entry.actorRole)])])),
            ("network", entry.clientAddress.map { .object(["address": .string($0), "type": .string("2")]) }),
            ("purposeOfUse", entry.breakGlassReason.map { .array([.object(["text": .string("break-glass: \($0)")])]) }),
        ])
        let organisation = entry.actorOrganisation.map {
            JSONValue.object([
                "type": .object(["text": .string("organisation acted for")]), "who": FHIRJSON.reference("Organization", $0), "requestor": .bool(false),
            ])
        }
        let patient = entry.patientId.map {
            JSONValue.object([
                "what": FHIRJSON.reference("Patient", $0),
                "type": coding("http://terminology.hl7.org/CodeSystem/audit-entity-type", "1", "Person"),
                "role": coding("http://terminology.hl7.org/CodeSystem/object-role", "1", "Patient"),
            ])
        }
        let resource = FHIRJSON.object([
            ("what", .object(["identifier": .object(["value": .string(entry.resourceId ?? entry.resourceType)])])),
            ("type", coding("http://terminology.hl7.org/CodeSystem/audit-entity-type", "2", "System Object")),
            ("description", .string(entry.resourceType)),
            (
                "detail",
                .array(
                    [("request-id", entry.requestId), ("detail", entry.detail)].compactMap { type, value in
                        value.map { .object(["type": .string(type), "valueString": .string($0)]) }
                    })
            ),
        ])
        return FHIRResource(
            "AuditEvent", id: String(entry.seq), patient: entry.patientId, start: entry.recordedAt,
            [
                ("type", coding("http://terminology.hl7.org/CodeSystem/audit-event-type", "rest", "RESTful Operation")),
                ("subtype", .array([coding("http://hl7.org/fhir/restful-interaction", interaction(entry.action), nil)])),
                ("action", .string(action(entry.action))),
                ("recorded", FHIRJSON.dateTime(entry.recordedAt)),
                ("outcome", .string(outcome(entry.outcome))),
                ("purposeOfEvent", .array([purpose(entry)])),
                (
                    "source",
                    .object([
                        "observer": .object(["display": .string("StrokePath")]),
                        "type": .array([coding("http://terminology.hl7.org/CodeSystem/security-source-type", "4", "Application Server")]),
                    ])
                ),
                ("agent", .array([user] + (organisation.map { [$0] } ?? []))),
                ("entity", .array((patient.map { [$0] } ?? []) + [resource])),
            ])
    }

    /// Why: treatment, emergency treatment (break-glass), a patient's own request (their access
    /// log); anything else said in words.
    private static func purpose(_ entry: AuditQueries.Entry) -> JSONValue {
        let system = "http://terminology.hl7.org/CodeSystem/v3-ActReason"
        if entry.breakGlassReason != nil || entry.purpose == "emergency" { return concept(system, "ETREAT") }
        switch entry.purpose {
        case "treatment": return concept(system, "TREAT")
        case "patient_information": return concept(system, "PATRQT")
        default: return .object(["text": .string(entry.purpose)])
        }
    }

    private static func concept(_ system: String, _ code: String) -> JSONValue {
        .object(["coding": .array([coding(system, code, nil)])])
    }

    private static func coding(_ system: String, _ code: String, _ display: String?) -> JSONValue {
        FHIRJSON.object([("system", .string(system)), ("code", .string(code)), ("display", display.map(JSONValue.string))])
    }

    private static func action(_ action: String) -> String {
        switch action {
        case "create": "C"
        case "update": "U"
        case "delete": "D"
        case "export", "search": "E"
        default: "R"
        }
    }

    private static func interaction(_ action: String) -> String {
        switch action {
        case "create": "create"
        case "update": "update"
        case "delete": "delete"
        case "search": "search-type"
        default: "read"
        }
    }

    private static func outcome(_ outcome: String) -> String {
        switch outcome {
        case "success": "0"
        case "denied": "4"
        default: "8"
        }
    }
}

extension String {
    /// An audit action that changes a record (create, update, delete).
    fileprivate var changes: Bool { ["create", "update", "delete"].contains(self) }
}
