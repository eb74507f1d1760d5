import Clinical
import Hummingbird
import Postgres

extension Problem {
    /// A refusal as problem+json: its code gives the status, its name the type; a field is
    /// listed in `errors`, a clash in `conflict`.
    init(_ refusal: Refusal) {
        self.init(Self.status(of: refusal.code), refusal.name, detail: refusal.description)
        if let field = refusal.field { errors = [.init(field: field, detail: refusal.message)] }
        if let related = refusal.related {
            conflict = .init(kind: related.kind, sessionId: related.id, start: related.start, end: related.end)
        }
    }

    private static func status(of code: Refusal.Code) -> HTTPResponse.Status {
        switch code {
        case .notFound: .notFound
        case .invalidParameter: .badRequest
        case .conflict: .conflict
        case .notPermitted: .forbidden
        case .unavailable: .serviceUnavailable
        default: .unprocessableContent
        }
    }

    /// The database's refusals, the one place they become problems: 42501 (row-level security
    /// or a privilege) → 403, a unique or exclusion violation → 409, a check, not-null or
    /// foreign-key violation → 400, a data exception (a value out of range, NUL) → 422, a
    /// statement or lock limit reached or the database away → 503. The problem never carries the
    /// server's message or DETAIL, which can quote values; anything else is no refusal (nil).
    init?(_ error: PostgresError) {
        switch error.sqlState {
        case SQLState.foreignKeyViolation where error.constraint == "audit_events_actor_organisation_id_fkey":
            // The access cannot be audited, so nothing is answered (fail closed): the token names
            // an organisation this service does not have.
            self.init(.forbidden, "unknown-organisation", detail: "Your sign-in names an organisation this service does not know; nothing was read.")
        case SQLState.insufficientPrivilege:
            self.init(.forbidden, "forbidden", detail: "You may not do this for that organisation or patient.")
        case SQLState.uniqueViolation:
            self.init(.conflict, "conflict", detail: "That record already exists (\(error.constraint ?? "unique key")).")
        case SQLState.exclusionViolation:
            self.init(.conflict, "conflict", detail: "That overlaps a record that exists (\(error.constraint ?? "exclusion constraint")).")
        case SQLState.checkViolation, SQLState.notNullViolation, SQLState.foreignKeyViolation:
            self.init(.badRequest, "invalid-body", detail: "The database refused the values (\(error.constraint ?? "constraint")).")
        case SQLState.queryCanceled, SQLState.lockNotAvailable:
            // The application role's statement or lock limit (docs/database.md): busy, not broken.
            self.init(.serviceUnavailable, "database-busy", detail: "The database did not answer within the service's limit; try again shortly.")
            headers[.retryAfter] = "5"
        case let state? where state.hasPrefix(SQLState.dataExceptionClass):
            // The input checks should have refused it first; a value that still reaches the
            // database out of range or malformed is the request's fault, not an outage.
            self.init(.unprocessableContent, "invalid-body", detail: "The database refused a value as out of range or malformed.")
        default:
            guard error.isUnavailable else { return nil }
            self.init(.serviceUnavailable, "database-unavailable", detail: "The database cannot be reached; try again shortly.")
            headers[.retryAfter] = "5"
        }
    }
}
