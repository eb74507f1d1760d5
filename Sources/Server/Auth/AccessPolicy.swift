/// Which roles may call which API operation or open which page: the role × endpoint matrix
/// of `docs/access-matrix.md`. An operation missing here is refused to everyone (fail closed).
enum AccessPolicy {
    private static let patientCare: Set<Role> = [.clinician, .rehabCoordinator, .therapist]
    private static let rehabStaff: Set<Role> = [.rehabCoordinator, .therapist]
    /// The clinic's resources (no patient data): staff read, coordinators and admins manage.
    private static let clinicStaffAndAdmin: Set<Role> = [.rehabCoordinator, .therapist, .admin]
    private static let clinicManagers: Set<Role> = [.rehabCoordinator, .admin]
    /// Every role a person holds: a hospital system (`integration`) opens no web session.
    private static let people: Set<Role> = Set(Role.allCases).subtracting([.integration])

    /// "METHOD /path/{template}" → the roles allowed.
    static let matrix: [String: Set<Role>] = [
        "GET /api/v1/me": Set(Role.allCases),
        "POST /api/v1/patients": [.clinician, .rehabCoordinator],
        "GET /api/v1/patients": patientCare,
        "GET /api/v1/patients/{id}": patientCare,
        "GET /api/v1/patients/{id}/access-log": [.clinician, .rehabCoordinator, .auditor],
        "GET /api/v1/patients/{id}/identity": patientCare,
        "PUT /api/v1/patients/{id}/identity": [.clinician, .rehabCoordinator],
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
        "GET /api/v1/rehab/clinics/{id}/settings": clinicStaffAndAdmin,
        "PUT /api/v1/rehab/clinics/{id}/settings": clinicManagers,
        "GET /api/v1/rehab/therapists": clinicStaffAndAdmin,
        "POST /api/v1/rehab/therapists": clinicManagers,
        "GET /api/v1/rehab/therapists/{id}": clinicStaffAndAdmin,
        "PUT /api/v1/rehab/therapists/{id}": clinicManagers,
        "GET /api/v1/rehab/therapists/{id}/leave": clinicStaffAndAdmin,
        "POST /api/v1/rehab/therapists/{id}/leave": clinicManagers,
        "DELETE /api/v1/rehab/leave/{id}": clinicManagers,
        "GET /api/v1/rehab/rooms": clinicStaffAndAdmin,
        "POST /api/v1/rehab/rooms": clinicManagers,
        "GET /api/v1/rehab/rooms/{id}": clinicStaffAndAdmin,
        "PUT /api/v1/rehab/rooms/{id}": clinicManagers,
        "GET /api/v1/rehab/stays": rehabStaff,
        "POST /api/v1/rehab/stays": [.rehabCoordinator],
        "GET /api/v1/rehab/stays/{id}": rehabStaff,
        "PUT /api/v1/rehab/stays/{id}": [.rehabCoordinator],
        "GET /api/v1/rehab/stays/{id}/prescriptions": rehabStaff,
        "POST /api/v1/rehab/stays/{id}/prescriptions": [.rehabCoordinator],
        "PUT /api/v1/rehab/prescriptions/{id}": [.rehabCoordinator],
        "GET /api/v1/rehab/patients/{id}/dose": patientCare,
        "POST /api/v1/rehab/sessions": [.rehabCoordinator],
        "GET /api/v1/rehab/sessions/{id}": rehabStaff,
        "PATCH /api/v1/rehab/sessions/{id}": [.rehabCoordinator],
        "POST /api/v1/rehab/sessions/{id}/cancel": rehabStaff,
        "POST /api/v1/rehab/sessions/{id}/participants": [.rehabCoordinator],
        "PUT /api/v1/rehab/sessions/{id}/attendance": rehabStaff,
        "GET /api/v1/rehab/timetable": rehabStaff,
        "POST /api/v1/rehab/series": [.rehabCoordinator],
        "GET /api/v1/rehab/series/{id}": rehabStaff,
        "PATCH /api/v1/rehab/series/{id}": [.rehabCoordinator],
        "GET /api/v1/rehab/waitlist": rehabStaff,
        "POST /api/v1/rehab/waitlist": [.rehabCoordinator],
        "POST /api/v1/rehab/waitlist/{id}/accept": [.rehabCoordinator],
        "POST /api/v1/rehab/waitlist/{id}/decline": [.rehabCoordinator],
        "POST /api/v1/rehab/plans": [.rehabCoordinator],
        "GET /api/v1/rehab/plans/{id}": rehabStaff,
        "POST /api/v1/rehab/plans/{id}/publish": [.rehabCoordinator],
        "POST /api/v1/rehab/plans/{id}/discard": [.rehabCoordinator],
        "GET /api/v1/patients/{id}/recovery": patientCare,
        "GET /api/v1/patients/{id}/recovery/parameters": patientCare,
        "POST /api/v1/patients/{id}/recovery/whatif": patientCare,
        "GET /api/v1/patients/{id}/recovery/observations": patientCare,
        "POST /api/v1/patients/{id}/recovery/observations": patientCare,
        "POST /api/v1/recovery/observations/{id}/withdraw": patientCare,
        "POST /api/v1/patients/{id}/recovery/therapy": [.clinician, .rehabCoordinator],
        "GET /api/v1/reports/regional": [.planner, .admin],
        "POST /api/v1/reports/refresh": [.admin],
        "GET /api/v1/reports/refresh/{id}": [.admin],
        // The FHIR façade (its metadata is public): patients' records for those who care for them.
        "GET /fhir/R4/Patient": patientCare,
        "GET /fhir/R4/Patient/{id}": patientCare,
        "GET /fhir/R4/Patient/{id}/$everything": patientCare,
        "GET /fhir/R4/Encounter": patientCare,
        "GET /fhir/R4/Encounter/{id}": patientCare,
        "GET /fhir/R4/Condition": patientCare,
        "GET /fhir/R4/Condition/{id}": patientCare,
        "GET /fhir/R4/Observation": patientCare,
        "GET /fhir/R4/Observation/{id}": patientCare,
        "GET /fhir/R4/Procedure": patientCare,
        "GET /fhir/R4/Procedure/{id}": patientCare,
        "GET /fhir/R4/MedicationAdministration": patientCare,
        "GET /fhir/R4/MedicationAdministration/{id}": patientCare,
        "GET /fhir/R4/ServiceRequest": rehabStaff,
        "GET /fhir/R4/ServiceRequest/{id}": rehabStaff,
        "GET /fhir/R4/CarePlan": rehabStaff,
        "GET /fhir/R4/CarePlan/{id}": rehabStaff,
        "GET /fhir/R4/GuidanceResponse": [.clinician],
        "GET /fhir/R4/GuidanceResponse/{id}": [.clinician],
        "GET /fhir/R4/RiskAssessment": [.clinician],
        "GET /fhir/R4/RiskAssessment/{id}": [.clinician],
        "GET /fhir/R4/Appointment": rehabStaff,
        "GET /fhir/R4/Appointment/{id}": rehabStaff,
        "GET /fhir/R4/Practitioner": clinicStaffAndAdmin,
        "GET /fhir/R4/Practitioner/{id}": clinicStaffAndAdmin,
        "GET /fhir/R4/PractitionerRole": clinicStaffAndAdmin,
        "GET /fhir/R4/PractitionerRole/{id}": clinicStaffAndAdmin,
        "GET /fhir/R4/Location": clinicStaffAndAdmin,
        "GET /fhir/R4/Location/{id}": clinicStaffAndAdmin,
        "GET /fhir/R4/Schedule": clinicStaffAndAdmin,
        "GET /fhir/R4/Schedule/{id}": clinicStaffAndAdmin,
        "GET /fhir/R4/Slot": clinicStaffAndAdmin,
        "GET /fhir/R4/Slot/{id}": clinicStaffAndAdmin,
        "GET /fhir/R4/Organization/{id}": Set(Role.allCases),
        "POST /fhir/R4": [.integration],
        "GET /fhir/R4/MeasureReport": [.planner, .admin],
        "GET /fhir/R4/$export": [.planner, .admin],
        "GET /fhir/R4/$export-status/{job}": [.planner, .admin],
        "GET /fhir/R4/$export-file/{job}/{file}": [.planner, .admin],
        "GET /fhir/R4/AuditEvent": [.auditor],
    ]

    /// "METHOD /page/{template}" → the roles allowed, for the signed-in pages.
    static let pages: [String: Set<Role>] = [
        "GET /account": people,
        "GET /acute": [.clinician],
        "POST /acute": [.clinician],
        "GET /acute/episodes": [.clinician],
        "POST /acute/episodes": [.clinician],
        "GET /acute/episodes/{id}": [.clinician],
        "POST /acute/episodes/{id}": [.clinician],
        "GET /acute/profiles": [.clinician, .admin],
        "POST /acute/profiles": [.admin],
        "GET /rehab": rehabStaff,
        "GET /rehab/sessions/{id}": rehabStaff,
        "POST /rehab/sessions/{id}": rehabStaff,
        "POST /rehab/waitlist/{id}/accept": [.rehabCoordinator],
        "GET /rehab/plans/{id}": rehabStaff,
        "POST /rehab/plans": [.rehabCoordinator],
        "POST /rehab/plans/{id}/publish": [.rehabCoordinator],
        "POST /rehab/plans/{id}/discard": [.rehabCoordinator],
        "GET /rehab/day": rehabStaff,
        "GET /rehab/patients/{id}/week": rehabStaff,
        "GET /rehab/patients/{id}/week.ics": rehabStaff,
        "GET /patients/{id}/identity": [.clinician, .rehabCoordinator],
        "POST /patients/{id}/identity": [.clinician, .rehabCoordinator],
        "GET /patients/{id}/recovery": patientCare,
        "POST /patients/{id}/recovery": patientCare,
        "GET /reports": [.planner, .admin],
        "GET /reports/download": [.planner, .admin],
        "GET /audit/break-glass": [.auditor],
    ]

    /// The methods the API serves at a concrete path (its templates' `{id}` match any
    /// segment), HEAD with GET, sorted: a 405's `Allow`. Empty for a path it does not serve.
    static func methods(at path: String) -> [String] {
        let segments = path.split(separator: "/", omittingEmptySubsequences: false)
        var methods = Set<String>()
        for key in matrix.keys {
            let parts = key.split(separator: " ", maxSplits: 1)
            guard parts.count == 2 else { continue }
            let template = parts[1].split(separator: "/", omittingEmptySubsequences: false)
            guard template.count == segments.count, zip(template, segments).allSatisfy({ $0.hasPrefix("{") || $0 == $1 }) else { continue }
            methods.insert(String(parts[0]))
        }
        if methods.contains("GET") { methods.insert("HEAD") }
        return methods.sorted()
    }

    static func allows(_ role: Role, method: String, path: String) -> Bool {
        roles(method: method, path: path).contains(role)
    }

    /// The roles allowed an operation or page; none for one not in the matrix.
    static func roles(method: String, path: String) -> Set<Role> {
        matrix["\(method) \(path)"] ?? pages["\(method) \(path)"] ?? []
    }

    /// The roles in words, for a refusal ("clinicians and administrators").
    static func describe(_ roles: Set<Role>) -> String {
        let names = Role.allCases.filter(roles.contains).map(\.plural)
        guard let last = names.last else { return "nobody" }
        return names.count == 1 ? last : names.dropLast().joined(separator: ", ") + " and " + last
    }
}
