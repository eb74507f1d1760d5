public import Foundation

/// What a user does in StrokePath; each role sees only what its work needs.
public enum Role: String, Sendable, CaseIterable, Codable {
    /// Acute decisions for the own organisation's patients.
    case clinician
    /// Prescriptions, timetables and bookings at the own clinic.
    case rehabCoordinator = "rehab_coordinator"
    /// Own caseload and sessions, attendance.
    case therapist
    /// Aggregates only: never a patient row, never an identifier.
    case planner
    /// The audit log.
    case auditor
    /// Configuration; no patient data by default.
    case admin
    /// A hospital system (client credentials) sending its records: FHIR transactions for its
    /// own organisations, nothing read.
    case integration

    /// The role's people, in words.
    var plural: String {
        switch self {
        case .clinician: "clinicians"
        case .rehabCoordinator: "rehab coordinators"
        case .therapist: "therapists"
        case .planner: "planners"
        case .auditor: "auditors"
        case .admin: "administrators"
        case .integration: "hospital systems"
        }
    }
}

/// The authenticated user of one request, from a verified token.
public struct Identity: Sendable, Equatable, Codable {
    /// The token's subject: the user's stable id at the identity provider.
    public var subject: String
    /// The user's display name.
    public var name: String
    public var role: Role
    /// The organisations the user acts for in this session.
    public var organisations: [UUID]

    /// A hospital system's subject starts with this (`system:registry`); a user's never does.
    public static let systemPrefix = "system:"

    /// Whether this is a hospital system calling as itself, not a person.
    public var isSystem: Bool { subject.hasPrefix(Self.systemPrefix) }

    public init(subject: String, name: String, role: Role, organisations: [UUID]) {
        self.subject = subject
        self.name = name
        self.role = role
        self.organisations = organisations
    }
}
