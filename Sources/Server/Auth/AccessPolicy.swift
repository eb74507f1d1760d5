/// Which roles may call which API operation: the role × endpoint matrix of
/// `docs/access-matrix.md`. An operation missing here is refused to everyone (fail closed).
enum AccessPolicy {
    private static let patientCare: Set<Role> = [.clinician, .rehabCoordinator, .therapist]

    /// "METHOD /path/{template}" → the roles allowed.
    static let matrix: [String: Set<Role>] = [
        "GET /api/v1/me": Set(Role.allCases),
        "POST /api/v1/patients": [.clinician, .rehabCoordinator],
        "GET /api/v1/patients": patientCare,
        "GET /api/v1/patients/{id}": patientCare,
        "GET /api/v1/patients/{id}/access-log": [.clinician, .rehabCoordinator, .auditor],
        "POST /api/v1/patients/{id}/break-glass": [.clinician],
        "GET /api/v1/audit/events": [.auditor],
        "GET /api/v1/audit/sample": [.auditor],
        "POST /api/v1/acute/evaluate": [.clinician],
        "GET /api/v1/acute/evaluations/{id}": [.clinician],
        "GET /api/v1/acute/protocol": [.clinician, .admin],
        "PUT /api/v1/organisations/{id}/acute-profile": [.admin],
        "POST /api/v1/episodes": [.clinician],
        "GET /api/v1/episodes/{id}": patientCare,
        "PATCH /api/v1/episodes/{id}": [.clinician],
        "GET /api/v1/episodes/{id}/evaluations": [.clinician],
    ]

    static func allows(_ role: Role, method: String, path: String) -> Bool {
        matrix["\(method) \(path)"]?.contains(role) ?? false
    }
}
