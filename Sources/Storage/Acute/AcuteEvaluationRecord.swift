public import Foundation

/// One acute evaluation as given: who asked, for which organisation (and episode), under
/// which profile and protocol version, the request and the answer as JSON bytes. Also the
/// unit the spool keeps while the database is away.
public struct AcuteEvaluationRecord: Sendable, Equatable, Codable {
    public var id: UUID
    public var organisationId: UUID
    /// The episode the evaluation belongs to, if any (its patient is looked up when stored).
    public var episodeId: UUID?
    public var evaluatedAt: Date
    public var subject: String
    public var role: String
    /// Every organisation the caller acted for (the row-level security context of the write).
    public var organisations: [UUID]
    public var profile: String
    public var protocolVersion: String
    public var outcomeModel: String
    public var ivtStatus: String
    public var evtRecommendation: String
    public var input: Data
    public var output: Data
    public var requestId: String?
    public var clientAddress: String?

    public init(
        id: UUID, organisationId: UUID, episodeId: UUID?, evaluatedAt: Date, subject: String, role: String,
        organisations: [UUID], profile: String, protocolVersion: String, outcomeModel: String, ivtStatus: String,
        evtRecommendation: String, input: Data, output: Data, requestId: String?, clientAddress: String?
    ) {
        self.id = id
        self.organisationId = organisationId
        self.episodeId = episodeId
        self.evaluatedAt = evaluatedAt
        self.subject = subject
        self.role = role
        self.organisations = organisations
        self.profile = profile
        self.protocolVersion = protocolVersion
        self.outcomeModel = outcomeModel
        self.ivtStatus = ivtStatus
        self.evtRecommendation = evtRecommendation
        self.input = input
        self.output = output
        self.requestId = requestId
        self.clientAddress = clientAddress
    }

    /// The access context the record is written under.
    public var accessContext: AccessContext {
        AccessContext(subject: subject, role: role, organisations: organisations, requestID: requestId, clientAddress: clientAddress)
    }
}

/// An evaluation as an episode's list shows it.
public struct AcuteEvaluationSummary: Sendable, Equatable, Codable {
    public var id: UUID
    public var evaluatedAt: Date
    public var evaluatedBy: String
    public var profile: String
    public var protocolVersion: String
    public var ivtStatus: String
    public var evtRecommendation: String
    public var viaSpool: Bool
}
