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
    let publicURL: URL?

    /// `GET /fhir/R4/AuditEvent`: the events in the auditor's organisations, by `patient` and
    /// `date` (`ge`/`gt` from, `le`/`lt` until; the last 30 days by default), newest first.
    @Sendable func search(_ request: Request, context: AppRequestContext) async throws -> Response {
        let search = try FHIRSearch(request, type: "AuditEvent", allowed: ["patient", "date"])
        guard search.offset == 0 else { throw Refusal.invalidParameter("_offset", "is not served for AuditEvent: narrow the dates instead") }
        var until = Date()
        var since: Date?
        for condition in search.dates {
            switch condition.prefix {
            case "ge", "gt": since = condition.lower
            case "le", "lt": until = condition.upper
            case "eq":
                since = condition.lower
                until = condition.upper
            default: throw Refusal.invalidParameter("date", "takes ge, gt, le, lt or eq for AuditEvent")
            }
        }
        var filter = AuditQueries.Filter(since: since ?? until.addingTimeInterval(-30 * 86_400), until: until)
        guard filter.since < filter.until else { throw Refusal.invalidParameter("date", "must leave a period: the start is after the end") }
        filter.patient = search.patient
        filter.limit = search.count
        let entries = try await AuditQueries.search(filter, as: try context.accessContext(), pool: pool)
        return FHIRController.response(bundle(entries, request: request, count: search.count))
    }

    func bundle(_ entries: [AuditQueries.Entry], request: Request, count: Int) -> JSONValue {
        FHIRBundle(request, publicURL: publicURL).searchset(entries.map(Self.event), total: entries.count, page: (0, max(count, 1)), request: request)
    }

    static func event(_ entry: AuditQueries.Entry) -> FHIRResource {
        let event: [String: Any] = [
            "resourceType": "AuditEvent",
            "id": String(entry.seq),
            "type": coding("http://terminology.hl7.org/CodeSystem/audit-event-type", "rest", "RESTful Operation"),
            "subtype": [coding("http://hl7.org/fhir/restful-interaction", interaction(entry.action), nil)],
            "action": action(entry.action),
            "recorded": entry.recordedAt.formatted(.iso8601),
            "outcome": outcome(entry.outcome),
            "purposeOfEvent": [
                [
                    "coding": [
                        coding(
                            "http://terminology.hl7.org/CodeSystem/v3-ActReason",
                            entry.breakGlassReason == nil ? "TREAT" : "ETREAT", nil)
                    ]
                ]
            ],
            "source": [
                "observer": ["display": "StrokePath"],
                "type": [coding("http://terminology.hl7.org/CodeSystem/security-source-type", "4", "Application Server")],
            ],
        ]
        var agent: [String: Any] = [
            "type": ["coding": [coding("http://terminology.hl7.org/CodeSystem/v3-ParticipationType", "IRCP", "information recipient")]],
            "who": ["identifier": ["value": entry.actorSubject]],
            "requestor": true,
            "role": [["text": entry.actorRole]],
        ]
        if let address = entry.clientAddress {
            agent["network"] = ["address": address, "type": "2"]
        }
        if let requestID = entry.requestId {
            agent["policy"] = ["urn:strokepath:request:\(requestID)"]
        }
        if let reason = entry.breakGlassReason {
            agent["purposeOfUse"] = [["text": "break-glass: \(reason)"]]
        }
        var agents = [agent]
        if let organisation = entry.actorOrganisation {
            agents.append([
                "type": ["text": "organisation acted for"],
                "who": ["reference": "Organization/\(organisation.fhirID)"],
                "requestor": false,
            ])
        }
        var entities: [[String: Any]] = []
        if let patient = entry.patientId {
            entities.append([
                "what": ["reference": "Patient/\(patient.fhirID)"],
                "type": coding("http://terminology.hl7.org/CodeSystem/audit-entity-type", "1", "Person"),
                "role": coding("http://terminology.hl7.org/CodeSystem/object-role", "1", "Patient"),
            ])
        }
        entities.append([
            "what": ["identifier": ["value": entry.resourceId ?? entry.resourceType]],
            "type": coding("http://terminology.hl7.org/CodeSystem/audit-entity-type", "2", "System Object"),
            "description": entry.resourceType,
        ])
        var members = event
        members["agent"] = agents
        members["entity"] = entities
        var resource = FHIRResource("AuditEvent", id: String(entry.seq), patient: entry.patientId, start: entry.recordedAt, [])
        resource.json = JSONValue(literal: members)
        return resource
    }

    private static func coding(_ system: String, _ code: String, _ display: String?) -> [String: Any] {
        var coding: [String: Any] = ["system": system, "code": code]
        if let display { coding["display"] = display }
        return coding
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
