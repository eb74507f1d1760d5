import Foundation
import Storage

/// Audit rows as FHIR R4 `AuditEvent`s in the IHE Basic Audit Log Patterns style: a RESTful
/// event with the user as requesting agent, StrokePath as source, and the patient and the
/// resource as entities. Exported as a `searchset` Bundle.
enum FHIRAuditEvent {
    static func bundle(_ entries: [AuditQueries.Entry]) -> [String: Any] {
        [
            "resourceType": "Bundle",
            "type": "searchset",
            "total": entries.count,
            "entry": entries.map { ["resource": event($0)] },
        ]
    }

    static func event(_ entry: AuditQueries.Entry) -> [String: Any] {
        var event: [String: Any] = [
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
        if let organisation = entry.actorOrganisation {
            agent["location"] = ["reference": "Organization/\(organisation.uuidString.lowercased())"]
        }
        if let address = entry.clientAddress {
            agent["network"] = ["address": address, "type": "2"]
        }
        if let requestID = entry.requestId {
            agent["policy"] = ["urn:strokepath:request:\(requestID)"]
        }
        if let reason = entry.breakGlassReason {
            agent["purposeOfUse"] = [["text": "break-glass: \(reason)"]]
        }
        event["agent"] = [agent]
        var entities: [[String: Any]] = []
        if let patient = entry.patientId {
            entities.append([
                "what": ["reference": "Patient/\(patient.uuidString.lowercased())"],
                "type": coding("http://terminology.hl7.org/CodeSystem/audit-entity-type", "1", "Person"),
                "role": coding("http://terminology.hl7.org/CodeSystem/object-role", "1", "Patient"),
            ])
        }
        entities.append([
            "what": ["identifier": ["value": entry.resourceId ?? entry.resourceType]],
            "type": coding("http://terminology.hl7.org/CodeSystem/audit-entity-type", "2", "System Object"),
            "description": entry.resourceType,
        ])
        event["entity"] = entities
        return event
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
