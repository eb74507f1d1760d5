import AcuteCare
import Clinical
public import Foundation
public import Hummingbird
import NIOCore
import Postgres

/// An RFC 9457 problem report, sent as `application/problem+json`.
///
/// `type` is a stable URN per kind of problem (`urn:strokepath:problem:not-found`); clients
/// branch on it, people read `title` and `detail`. Nothing internal (stack traces, SQL,
/// server messages) is ever put in a problem.
public struct Problem: HTTPResponseError, Sendable {
    public let status: HTTPResponse.Status
    /// The last part of the type URN, e.g. `not-found`.
    public let slug: String
    public let detail: String
    /// The request id, filled in by the problem middleware.
    public var requestID: String?
    /// Extra response headers (e.g. `WWW-Authenticate`).
    public var headers: HTTPFields = [:]
    /// For 422: every invalid field of the request, by JSON path.
    public var errors: [FieldError] = []
    /// For a 409 booking conflict: what clashed and the caller's own booking it clashes with.
    public var conflict: ConflictDetail?

    /// The booking a refused booking clashes with (the caller's own organisation's session:
    /// its id and time, never another patient's data).
    public struct ConflictDetail: Sendable, Encodable, Equatable {
        public var kind: String
        public var sessionId: UUID?
        public var start: Date?
        public var end: Date?
    }

    /// One invalid field of a request body.
    public struct FieldError: Sendable, Encodable, Equatable {
        public var field: String
        public var detail: String

        public init(field: String, detail: String) {
            self.field = field
            self.detail = detail
        }
    }

    public init(_ status: HTTPResponse.Status, _ slug: String, detail: String) {
        self.status = status
        self.slug = slug
        self.detail = detail
    }

    public var type: String { "urn:strokepath:problem:\(slug)" }

    private struct Body: Encodable {
        let type: String
        let title: String
        let status: Int
        let detail: String
        let instance: String?
        let requestId: String?
        let errors: [FieldError]?
        let conflict: ConflictDetail?
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        let body = Body(
            type: type,
            title: status.reasonPhrase,
            status: status.code,
            detail: detail,
            instance: requestID.map { "urn:strokepath:request:\($0)" },
            requestId: requestID,
            errors: errors.isEmpty ? nil : errors,
            conflict: conflict
        )
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        let data = try encoder.encode(body)
        var headers = self.headers
        headers[.contentType] = "application/problem+json"
        if status == .methodNotAllowed, headers[.allow] == nil { headers[.allow] = "GET, HEAD" }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}

extension Problem {
    /// The problem for an error a handler or Hummingbird threw; nil for an error that is no
    /// refusal (a defect or an outage: a logged 500).
    static func from(_ error: any Error) -> Problem? {
        switch error {
        case let problem as Problem:
            return problem
        case let httpError as HTTPError:
            let slug = httpError.status.reasonPhrase.lowercased().replacingOccurrences(of: " ", with: "-")
            return Problem(httpError.status, slug, detail: httpError.body ?? httpError.status.reasonPhrase)
        case let refusal as Refusal:
            return Problem(refusal)
        case let invalid as InputProblems:
            var problem = Problem(.unprocessableContent, "invalid-presentation", detail: "The presentation has \(invalid.problems.count) invalid field(s).")
            problem.errors = invalid.problems.map { FieldError(field: $0.field, detail: $0.message) }
            return problem
        case let database as PostgresError:
            return Problem(database)
        case is NIOTooManyBytesError:
            // A body sent in chunks (no Content-Length to refuse it by) that outgrew the limit.
            return Problem(.contentTooLarge, "body-too-large", detail: "The request body is larger than the service accepts.")
        default:
            return nil
        }
    }
}
