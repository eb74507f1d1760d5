import Clinical
import Foundation

/// `GET /fhir/R4/metadata`: the CapabilityStatement, made from the same table as the routes
/// (`FHIRController.served`), so it lists exactly what is served.
enum FHIRCapability {
    /// When what is served last changed.
    static let published = "2026-12-07"

    static func statement(version: String, base: String) -> JSONValue {
        var resources: [JSONValue] = FHIRController.served.map { served in
            let includes: JSONValue? = served.patientScoped ? .array([.string("\(served.type):patient")]) : nil
            return FHIRJSON.object([
                ("type", .string(served.type)),
                ("interaction", .array([interaction("read"), interaction("search-type")])),
                ("searchInclude", includes),
                ("searchParam", .array(served.parameters.keys.sorted().map { parameter($0, served.parameters[$0] ?? "token") })),
                ("operation", served.type == "Patient" ? .array([everything]) : nil),
                ("documentation", .string(documentation(served))),
            ])
        }
        resources += FHIRDirectory.served.map { type, parameters in
            FHIRJSON.object([
                ("type", .string(type)), ("interaction", .array([interaction("read"), interaction("search-type")])),
                ("searchParam", .array(parameters.keys.sorted().map { parameter($0, parameters[$0] ?? "token") })),
                (
                    "documentation",
                    .string(type == "Slot" ? "A rehab clinic's session times, searched within one schedule (a room's)." : "A rehab clinic's directory.")
                ),
            ])
        }
        resources.append(
            FHIRJSON.object([
                ("type", .string("Organization")), ("interaction", .array([interaction("read")])),
            ]))
        resources.append(
            FHIRJSON.object([
                ("type", .string("MeasureReport")), ("interaction", .array([interaction("search-type")])),
                (
                    "searchParam",
                    .array(FHIRMeasureReports.parameters.keys.sorted().map { parameter($0, FHIRMeasureReports.parameters[$0] ?? "token") })
                ),
                (
                    "documentation",
                    .string(
                        "For planners and admins: the regional indicators (region: an organisation code), through the disclosure layer; a withheld value is data-absent-reason masked."
                    )
                ),
            ]))
        resources.append(
            FHIRJSON.object([
                ("type", .string("AuditEvent")), ("interaction", .array([interaction("search-type")])),
                ("searchParam", .array([parameter("patient", "reference"), parameter("date", "date")])),
                ("documentation", .string("For auditors: the events in their organisations, newest first.")),
            ]))
        return FHIRJSON.object([
            ("resourceType", .string("CapabilityStatement")),
            ("status", .string("active")),
            ("date", .string(published)),
            ("publisher", .string("StrokePath")),
            ("kind", .string("instance")),
            ("instantiates", .array([.string("http://hl7.org/fhir/uv/bulkdata/CapabilityStatement/bulk-data")])),
            ("software", .object(["name": .string("StrokePath"), "version": .string(version)])),
            ("implementation", .object(["description": .string("StrokePath FHIR R4 façade"), "url": .string(base)])),
            ("fhirVersion", .string("4.0.1")),
            ("format", .array([.string("json")])),
            (
                "rest",
                .array([
                    FHIRJSON.object([
                        ("mode", .string("server")),
                        (
                            "security",
                            .object([
                                "description": .string(
                                    "A bearer token of the hospital's identity provider (OAuth 2.0 / OpenID Connect); roles, organisations, row-level security and audit as in the API (docs/access-matrix.md)."
                                )
                            ])
                        ),
                        ("resource", .array(resources)),
                        ("interaction", .array([interaction("transaction")])),
                        ("operation", .array([export])),
                    ])
                ])
            ),
        ])
    }

    private static func documentation(_ served: FHIRController.Served) -> String {
        let read = served.patientScoped ? "Searched within one patient: patient or subject is required." : "The patients the caller may see."
        guard FHIRTransaction.types.contains(served.type) else { return read }
        return read + " Taken in from hospital systems only within a transaction (POST to the base), created on condition of its identifier."
    }

    private static func interaction(_ code: String) -> JSONValue { .object(["code": .string(code)]) }

    private static func parameter(_ name: String, _ type: String) -> JSONValue {
        .object(["name": .string(name), "type": .string(type)])
    }

    /// Bulk Data's system-level export (for planners and admins of a region; docs/fhir.md).
    private static let export: JSONValue = .object([
        "name": .string("export"), "definition": .string("http://hl7.org/fhir/uv/bulkdata/OperationDefinition/export"),
    ])

    private static let everything: JSONValue = .object([
        "name": .string("everything"), "definition": .string("http://hl7.org/fhir/OperationDefinition/Patient-everything"),
    ])
}
