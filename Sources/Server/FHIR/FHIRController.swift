import Clinical
import Foundation
import Hummingbird
import Storage

/// The FHIR R4 façade at `/fhir/R4`: read and search of each patient's record under the same
/// tokens, roles, row-level security and audit as the API. Each patient's resources are made
/// from their chart (one read transaction), then filtered and paged; a search of a clinical
/// type names its patient.
struct FHIRController: Sendable {
    let charts: PatientCharts
    let codes: FHIRCodes
    let audit: FHIRAuditEvents
    let directory: FHIRDirectory
    let publicURL: URL?
    /// The hospitals' time zone: whether a stay or prescription is current is judged by its day there.
    let zone: TimeZone

    private var today: CalendarDay { CalendarDay.today(in: zone) }

    static let basePath = "/fhir/R4"
    static let contentType = "application/fhir+json"

    /// Each type served, the search parameters it takes (`name` → FHIR search type) and the
    /// chart row its ids point into; the routes and the CapabilityStatement are made from it.
    struct Served: Sendable {
        var type: String
        var parameters: [String: String]
        /// Patient-held resources are searched within one patient (`patient` or `subject`).
        var patientScoped = true
    }

    static let common = ["patient": "reference", "subject": "reference"]
    static let served: [Served] = [
        Served(type: "Patient", parameters: ["identifier": "token", "organization": "reference"], patientScoped: false),
        Served(type: "Encounter", parameters: common.merging(["date": "date"]) { $1 }),
        Served(type: "Condition", parameters: common.merging(["code": "token", "onset-date": "date"]) { $1 }),
        Served(type: "Observation", parameters: common.merging(["code": "token", "category": "token", "date": "date"]) { $1 }),
        Served(type: "Procedure", parameters: common.merging(["code": "token", "date": "date"]) { $1 }),
        Served(type: "MedicationAdministration", parameters: common.merging(["code": "token", "effective-time": "date"]) { $1 }),
        Served(type: "ServiceRequest", parameters: common.merging(["code": "token", "occurrence": "date"]) { $1 }),
        Served(type: "CarePlan", parameters: common.merging(["date": "date"]) { $1 }),
        Served(type: "GuidanceResponse", parameters: common),
        Served(type: "RiskAssessment", parameters: common.merging(["date": "date"]) { $1 }),
        Served(type: "Appointment", parameters: ["patient": "reference", "date": "date", "service-type": "token"]),
    ]

    var endpoints: RouteCollection<AppRequestContext> {
        let routes = RouteCollection(context: AppRequestContext.self)
        for served in Self.served {
            routes.get("/\(served.type)", use: served.patientScoped ? search(served) : patients)
            routes.get("/\(served.type)/:id", use: read(served.type))
        }
        routes.get("/Patient/:id/$everything", use: everything)
        routes.get("/Organization/:id", use: organisation)
        routes.get("/AuditEvent", use: audit.search)
        directory.add(to: routes)
        return routes
    }

    /// `GET /Patient`: the patients the caller may see, by pseudonym (`identifier`) or organisation.
    @Sendable func patients(_ request: Request, context: AppRequestContext) async throws -> Response {
        let search = try FHIRSearch(request, type: "Patient", allowed: ["identifier", "organization"])
        var pseudonym = search.identifier
        if let identifier = search.identifier, let bar = identifier.lastIndex(of: "|") {
            let system = String(identifier[..<bar])
            guard system.isEmpty || system.hasPrefix(FHIRPatientResources.pseudonymSystem(UUID()).dropLast(36)) else {
                throw Refusal.invalidParameter("identifier", "must be a pseudonym, optionally with its organisation's system")
            }
            pseudonym = String(identifier[identifier.index(after: bar)...])
            if let organisation = UUID(uuidString: String(system.split(separator: "/").last ?? "")) {
                guard search.organisation == nil || search.organisation == organisation else { return try respond(emptyBundle(request)) }
                return try await patientPage(request, search, pseudonym: pseudonym, organisation: organisation, context: context)
            }
        }
        return try await patientPage(request, search, pseudonym: pseudonym, organisation: search.organisation, context: context)
    }

    private func patientPage(
        _ request: Request, _ search: FHIRSearch, pseudonym: String?, organisation: UUID?, context: AppRequestContext
    ) async throws -> Response {
        var found: [Patient] = []
        var total = 0
        if let id = search.id {
            guard let uuid = UUID(uuidString: id) else { return try respond(emptyBundle(request)) }
            if let chart = try await charts.chart(uuid, action: .search, resource: "Patient", as: try context.accessContext()),
                pseudonym.map({ $0 == chart.patient.pseudonym }) ?? true, organisation.map({ $0 == chart.patient.organisationId }) ?? true
            {
                found = [chart.patient]
                total = 1
            }
        } else {
            (found, total) = try await charts.patients(
                pseudonym: pseudonym, organisation: organisation, limit: search.count, offset: search.offset, as: try context.accessContext())
        }
        let bundle = FHIRBundle(request, publicURL: publicURL)
        return try respond(bundle.searchset(found.map(FHIRPatientResources.patient), total: total, page: (search.offset, search.count), request: request))
    }

    /// `GET /<Type>?patient=…`: the patient's resources of the type that pass the filters, a page at a time.
    func search(_ served: Served) -> @Sendable (Request, AppRequestContext) async throws -> Response {
        { request, context in
            let search = try FHIRSearch(request, type: served.type, allowed: Set(served.parameters.keys).union(["_include"]))
            guard let patient = search.patient else {
                throw Refusal.invalidParameter("patient", "is needed: this server searches \(served.type) within one patient (patient or subject)")
            }
            guard let chart = try await charts.chart(patient, action: .search, resource: served.type, as: try context.accessContext()) else {
                return try respond(emptyBundle(request))
            }
            let all = FHIRChartResources(codes: codes).resources(of: chart, today: today)
            let matches = all.filter { $0.type == served.type && search.matches($0) }
            let page = Array(matches.dropFirst(search.offset).prefix(search.count))
            let includes = search.includePatient && !page.isEmpty ? all.filter { $0.type == "Patient" } : []
            return try respond(
                FHIRBundle(request, publicURL: publicURL).searchset(
                    page, total: matches.count, page: (search.offset, search.count), includes: includes, request: request))
        }
    }

    /// `GET /<Type>/{id}`: one resource, found through the chart of the patient its row belongs to.
    func read(_ type: String) -> @Sendable (Request, AppRequestContext) async throws -> Response {
        { request, context in
            let id = (context.parameters.get("id") ?? "").lowercased()
            let access = try context.accessContext()
            guard let (row, uuid) = FHIRResourceID.row(of: type, id: id),
                let patient = try await charts.patient(of: row, id: uuid, resource: type, as: access),
                let chart = try await charts.chart(patient, action: .read, resource: type, as: access),
                let resource = FHIRChartResources(codes: codes).resources(of: chart, today: today).first(where: {
                    $0.type == type && $0.id == id
                })
            else { throw Refusal.notFound("No \(type) with that id is accessible to you.") }
            return try respond(resource.json)
        }
    }

    /// `GET /Patient/{id}/$everything`: the patient's whole chart, a page at a time (1,000 by default).
    @Sendable func everything(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let patient = UUID(uuidString: context.parameters.get("id") ?? "") else { throw Refusal.unknownPatientRecord }
        var search = try FHIRSearch(request, type: "Patient/$everything", allowed: [])
        if request.uri.queryParameters["_count"] == nil { search.count = FHIRSearch.maximumCount }
        guard let chart = try await charts.chart(patient, action: .read, resource: "Patient/$everything", as: try context.accessContext()) else {
            throw Refusal.unknownPatientRecord
        }
        let all = FHIRChartResources(codes: codes).resources(of: chart, today: today)
        let page = Array(all.dropFirst(search.offset).prefix(search.count))
        return try respond(FHIRBundle(request, publicURL: publicURL).searchset(page, total: all.count, page: (search.offset, search.count), request: request))
    }

    /// `GET /Organization/{id}`: an organisation of the directory (no patient data).
    @Sendable func organisation(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let id = UUID(uuidString: context.parameters.get("id") ?? ""),
            let organisation = try await charts.organisation(id, as: try context.accessContext())
        else { throw Refusal.notFound("No Organization with that id.") }
        return try respond(FHIRPatientResources.organisation(organisation).json)
    }

    private func emptyBundle(_ request: Request) -> JSONValue {
        FHIRBundle(request, publicURL: publicURL).searchset([], total: 0, page: (0, 1), request: request)
    }

    /// A resource or bundle as `application/fhir+json`.
    func respond(_ value: JSONValue) throws -> Response {
        Self.response(value)
    }

    static func response(_ value: JSONValue) -> Response {
        Response(
            status: .ok, headers: [.contentType: contentType, .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(bytes: FHIRJSON.bytes(value))))
    }
}
