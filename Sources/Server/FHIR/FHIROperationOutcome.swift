import Clinical
import Foundation
import Hummingbird

/// Errors under `/fhir` as FHIR's `OperationOutcome` (the one exception to problem+json): the
/// same status, one issue whose code says the kind (`not-found`, `invalid`, `forbidden`, …),
/// the problem's type as its detail coding, its text as `diagnostics`, and each field named as
/// an `expression`.
enum FHIROperationOutcome {
    static func response(_ problem: Problem) -> Response {
        let issue = FHIRJSON.object([
            ("severity", .string(problem.status.code >= 500 ? "fatal" : "error")),
            ("code", .string(code(problem.status.code))),
            (
                "details",
                .object([
                    "coding": .array([.object(["system": .string("urn:strokepath:problem"), "code": .string(problem.slug)])]),
                    "text": .string(problem.status.reasonPhrase),
                ])
            ),
            ("diagnostics", .string(problem.detail + (problem.requestID.map { " (request \($0))" } ?? ""))),
            ("expression", .array(problem.errors.map { .string($0.field) })),
        ])
        let outcome = FHIRJSON.object([("resourceType", .string("OperationOutcome")), ("issue", .array([issue]))])
        var headers = problem.headers
        headers[.contentType] = FHIRController.contentType
        headers[.cacheControl] = "no-store"
        return Response(status: problem.status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: FHIRJSON.bytes(outcome))))
    }

    /// The problems of a transaction, one issue each, with the status given.
    static func response(_ issues: [FHIRTransaction.Issue], status: HTTPResponse.Status) -> Response {
        let outcome = JSONValue.object([
            "resourceType": .string("OperationOutcome"),
            "issue": .array(
                issues.map { issue in
                    .object([
                        "severity": .string("error"), "code": .string(issue.code), "diagnostics": .string(issue.diagnostics),
                        "expression": .array([.string(issue.expression)]),
                    ])
                }),
        ])
        return Response(
            status: status, headers: [.contentType: FHIRController.contentType, .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(bytes: FHIRJSON.bytes(outcome))))
    }

    /// An outcome of one issue that is no error (a warning in a search's answer).
    static func outcome(severity: String, code: String, diagnostics: String) -> JSONValue {
        .object([
            "resourceType": .string("OperationOutcome"),
            "issue": .array([.object(["severity": .string(severity), "code": .string(code), "diagnostics": .string(diagnostics)])]),
        ])
    }

    /// The issue type (http://hl7.org/fhir/issue-type) of a status.
    static func code(_ status: Int) -> String {
        switch status {
        case 400, 422: "invalid"
        case 401: "login"
        case 403: "forbidden"
        case 404, 410: "not-found"
        case 405, 406, 415: "not-supported"
        case 409, 412: "conflict"
        case 413: "too-long"
        case 429: "throttled"
        case 503: "transient"
        default: "exception"
        }
    }
}
