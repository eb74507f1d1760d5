public import Clinical
public import Foundation
public import Postgres

/// Who is acting in a transaction, as the database sees it: the organisations row-level
/// security admits, and the subject and role that the audit functions and break-glass
/// grants check. Set per transaction only.
public struct AccessContext: Sendable {
    public var subject: String
    public var role: String
    public var organisations: [UUID]
    /// Carried into audit rows.
    public var requestID: String?
    public var clientAddress: String?
    /// A limit on each statement of the transaction, below the role's (a background job's own).
    public var statementTimeout: Duration?

    public init(subject: String, role: String, organisations: [UUID], requestID: String? = nil, clientAddress: String? = nil) {
        self.subject = subject
        self.role = role
        self.organisations = organisations
        self.requestID = requestID
        self.clientAddress = clientAddress
    }

    /// Refuses a write for an organisation the caller does not act for.
    public func requireActing(for organisation: UUID) throws(Refusal) {
        guard organisations.contains(organisation) else { throw Refusal(.notPermitted, "forbidden", message: "You do not act for that organisation.") }
    }

    /// Sets the row-level security context and the audit actor for the rest of the
    /// connection's current transaction (one statement, transaction-local).
    func apply(on connection: PostgresConnection) async throws {
        let organisations = "{" + organisations.map(\.uuidString).joined(separator: ",") + "}"
        try await connection.query(
            """
            SELECT set_config('app.organisation_ids', \(organisations), true),
                   set_config('app.subject', \(subject), true), set_config('app.role', \(role), true)
            """, prepared: true)
        if let statementTimeout {
            try await connection.query("SELECT set_config('statement_timeout', \(String(statementTimeout.milliseconds)), true)", prepared: true)
        }
    }

    /// An audit event by this actor; the first organisation is the one acted for.
    func auditEvent(
        _ action: AuditEvent.Action, patient: UUID?, resource: String, resourceID: String? = nil,
        outcome: AuditEvent.Outcome = .success, purpose: String = "treatment", breakGlassReason: String? = nil
    ) -> AuditEvent {
        AuditEvent(
            actorSubject: subject, actorRole: role, actorOrganisation: organisations.first, action: action,
            patientID: patient, resourceType: resource, resourceID: resourceID, purpose: purpose, outcome: outcome,
            breakGlassReason: breakGlassReason, requestID: requestID, clientAddress: clientAddress
        )
    }
}

extension PostgresPool {
    /// Runs `body` in one transaction acting as `context`: organisations for row-level
    /// security, subject and role for the audit functions, all transaction-local.
    /// `maxAttempts`: how often a transaction the database asks to retry is run (`withTransaction`).
    @discardableResult
    public func withAccess<Result>(
        _ context: AccessContext,
        level: PostgresIsolationLevel = .readCommitted,
        readOnly: Bool = false,
        maxAttempts: Int = 5,
        isolation: isolated (any Actor)? = #isolation,
        _ body: (PostgresConnection) async throws -> Result
    ) async throws -> Result {
        try await withTransaction(level: level, readOnly: readOnly, maxAttempts: maxAttempts, isolation: isolation) { connection in
            try await context.apply(on: connection)
            return try await body(connection)
        }
    }
}
