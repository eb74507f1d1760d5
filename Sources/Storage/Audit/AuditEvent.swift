public import Foundation

/// One access to patient data, as the audit log records it: who (subject, role,
/// organisation), did what, to which patient and resource, why, with what outcome.
public struct AuditEvent: Sendable, Equatable {
    /// What was done.
    public enum Action: String, Sendable, CaseIterable {
        case create, read, update, delete, export, search
    }

    /// How it ended.
    public enum Outcome: String, Sendable {
        case success, denied, failed
    }

    public var actorSubject: String
    public var actorRole: String
    public var actorOrganisation: UUID?
    public var action: Action
    /// The patient's pseudonymous key, if the access concerned one patient.
    public var patientID: UUID?
    public var resourceType: String
    public var resourceID: String?
    /// Why the data was accessed (e.g. "treatment").
    public var purpose: String
    public var outcome: Outcome
    /// Set when access outside the user's organisations was taken in an emergency.
    public var breakGlassReason: String?
    public var requestID: String?
    public var clientAddress: String?
    /// What the fixed fields cannot say, as a JSON object's text: a bulk export's scope, legal
    /// basis and counts (covered by the row's hash).
    public var detail: String?

    public init(
        actorSubject: String, actorRole: String, actorOrganisation: UUID?, action: Action,
        patientID: UUID?, resourceType: String, resourceID: String? = nil, purpose: String,
        outcome: Outcome, breakGlassReason: String? = nil, requestID: String? = nil, clientAddress: String? = nil, detail: String? = nil
    ) {
        self.actorSubject = actorSubject
        self.actorRole = actorRole
        self.actorOrganisation = actorOrganisation
        self.action = action
        self.patientID = patientID
        self.resourceType = resourceType
        self.resourceID = resourceID
        self.purpose = purpose
        self.outcome = outcome
        self.breakGlassReason = breakGlassReason
        self.requestID = requestID
        self.clientAddress = clientAddress
        self.detail = detail
    }
}
