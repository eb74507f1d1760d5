import Clinical
import Foundation
import Hummingbird
import Storage

/// The FHIR R4 façade at `/fhir/R4`: read and search of each patient's record under the same
/// tokens, roles, row-level security and audit as the API. Each patient's resources are made
/// from their chart (one read snapshot, with the parts the caller's role may read in the API),
/// then filtered and paged; a search of a clinical type names its patient.
struct FHIRController: Sendable {
    let charts: PatientCharts
    let intake: RecordIntake
    let codes: FHIRCodes
    let audit: FHIRAuditEvents
    let directory: FHIRDirectory
    let measures: FHIRMeasureReports
    let bulk: FHIRBulkExport
    let bundle: FHIRBundle
    /// The hospitals' time zone: a searched day, and whether a stay is current, are judged there.
    let zone: TimeZone

    static let basePath = "/fhir/R4"
    static let contentType = "application/fhir+json"

    /// Whether a path is the façade's (its errors are OperationOutcomes): the base itself, where
    /// transactions are posted, and everything under it.
    static func serves(_ path: String) -> Bool { path == basePath || path.hasPrefix(basePath + "/") }

    /// Each type served and the search parameters it takes (`name` → FHIR search type); the
    /// routes and the CapabilityStatement are made from it.
    struct Served: Sendable {
        var type: String
        var parameters: [String: String]
        /// Patient-held resources are searched within one patient (`patient` or `subject`).
        var patientScoped = true
    }

    static let common = ["patient": "reference", "subject": "reference", "_id": "token"]
    static let served: [Served] = [
        Served(type: "Patient", parameters: ["identifier": "token", "organization": "reference", "_id": "token"], patientScoped: false),
        Served(type: "Encounter", parameters: common.merging(["date": "date"]) { $1 }),
        Served(type: "Condition", parameters: common.merging(["code": "token", "onset-date": "date"]) { $1 }),
        Served(type: "Observation", parameters: common.merging(["code": "token", "category": "token", "date": "date"]) { $1 }),
        Served(type: "Procedure", parameters: common.merging(["code": "token", "date": "date"]) { $1 }),
        Served(type: "MedicationAdministration", parameters: common.merging(["code": "token", "effective-time": "date"]) { $1 }),
        Served(type: "ServiceRequest", parameters: common.merging(["code": "token", "occurrence": "date"]) { $1 }),
        Served(type: "CarePlan", parameters: common.merging(["date": "date"]) { $1 }),
        Served(type: "GuidanceResponse", parameters: common),
        Served(type: "RiskAssessment", parameters: common.merging(["date": "date"]) { $1 }),
        Served(type: "Appointment", parameters: ["patient": "reference", "date": "date", "service-type": "token", "_id": "token"]),
    ]

    /// The parts of a chart a role reads, as in the API: the acute evaluations are the stroke
    /// team's, the rehab stays, prescriptions and sessions the rehab staff's.
    static func parts(for role: Role?) -> ChartParts {
        switch role {
        case .clinician: .acuteEvaluations
        case .rehabCoordinator, .therapist: .rehab
        default: []
        }
    }

    var endpoints: RouteCollection<AppRequestContext> {
        let routes = RouteCollection(context: AppRequestContext.self)
        for served in Self.served {
            routes.get("/\(served.type)", use: served.patientScoped ? search(served) : patients)
            routes.get("/\(served.type)/:id", use: read(served.type))
        }
        routes.post("", use: transaction)
        routes.get("/Patient/:id/$everything", use: everything)
        routes.get("/Organization/:id", use: organisation)
        routes.get("/AuditEvent", use: audit.search)
        routes.get("/MeasureReport", use: measures.search)
        directory.add(to: routes)
        bulk.add(to: routes)
        return routes
    }

    /// `GET /Patient`: the patients the caller may see, by pseudonym (`identifier`: the value,
    /// or the organisation's system `|` the value) or organisation.
    @Sendable func patients(_ request: Request, context: AppRequestContext) async throws -> Response {
        let search = try FHIRSearch(request, type: "Patient", allowed: Set(Self.served[0].parameters.keys), zone: zone)
        var pseudonym = search.identifier
        var organisation = search.organisation
        if let identifier = search.identifier, let bar = identifier.firstIndex(of: "|") {
            guard let owner = FHIRPatientResources.organisation(ofPseudonymSystem: String(identifier[..<bar])) else {
                throw Refusal.invalidParameter(
                    "identifier", "must be a pseudonym, or \(FHIRPatientResources.pseudonymSystem(nil))<organisation id>|<pseudonym>")
            }
            guard organisation == nil || organisation == owner else { return Self.response(emptyBundle(request)) }
            pseudonym = String(identifier[identifier.index(after: bar)...])
            organisation = owner
        }
        let access = try context.accessContext()
        if let id = search.id {
            guard let uuid = UUID(uuidString: id), search.offset == 0,
                let patient = try await charts.patients(id: uuid, pseudonym: pseudonym, organisation: organisation, limit: 1, offset: 0, as: access)
                    .patients.first
            else { return Self.response(emptyBundle(request)) }
            return Self.response(bundle.searchset([FHIRPatientResources.patient(patient)], total: 1, page: (0, search.count), request: request))
        }
        let (found, total) = try await charts.patients(
            id: nil, pseudonym: pseudonym, organisation: organisation, limit: search.count, offset: search.offset, as: access)
        return Self.response(bundle.searchset(found.map(FHIRPatientResources.patient), total: total, page: (search.offset, search.count), request: request))
    }

    /// `GET /<Type>?patient=…`: the patient's resources of the type that pass the filters, a page at a time.
    func search(_ served: Served) -> @Sendable (Request, AppRequestContext) async throws -> Response {
        { request, context in
            let search = try FHIRSearch(request, type: served.type, allowed: Set(served.parameters.keys).union(["_include"]), zone: zone)
            guard let patient = search.patient else {
                throw Refusal.invalidParameter("patient", "is needed: this server searches \(served.type) within one patient (patient or subject)")
            }
            guard
                let chart = try await charts.chart(
                    patient, parts: Self.parts(for: context.identity?.role), action: .search, resource: served.type, as: try context.accessContext())
            else { return Self.response(emptyBundle(request)) }
            let all = FHIRChartResources(codes: codes, zone: zone).resources(of: chart)
            let matches = all.filter { $0.type == served.type && search.matches($0) }
            let page = Array(matches.dropFirst(search.offset).prefix(search.count))
            let includes = search.includePatient && !page.isEmpty ? all.filter { $0.type == "Patient" } : []
            return Self.response(
                bundle.searchset(page, total: matches.count, page: (search.offset, search.count), includes: includes, request: request))
        }
    }

    /// `GET /<Type>/{id}`: one resource, found through the chart of the patient its row belongs to.
    func read(_ type: String) -> @Sendable (Request, AppRequestContext) async throws -> Response {
        { request, context in
            let id = (context.parameters.get("id") ?? "").lowercased()
            _ = try FHIRSearch(request, type: type, allowed: [], zone: zone)
            let access = try context.accessContext()
            guard let (row, uuid) = FHIRResourceID.row(of: type, id: id),
                let patient = try await charts.patient(of: row, id: uuid, resource: type, as: access),
                let chart = try await charts.chart(
                    patient, parts: Self.parts(for: context.identity?.role), action: .read, resource: type, resourceID: id, as: access),
                let resource = FHIRChartResources(codes: codes, zone: zone).resources(of: chart).first(where: {
                    $0.type == type && $0.id == id
                })
            else { throw Refusal.notFound("No \(type) with that id is accessible to you.") }
            return Self.response(resource.json)
        }
    }

    /// `GET /Patient/{id}/$everything`: the patient's whole chart (as far as the role may read
    /// it), a page at a time (1,000 by default).
    @Sendable func everything(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let patient = UUID(uuidString: context.parameters.get("id") ?? "") else { throw Refusal.unknownPatientRecord }
        var search = try FHIRSearch(request, type: "Patient/$everything", allowed: [], zone: zone)
        if request.uri.queryParameters["_count"] == nil { search.count = FHIRSearch.maximumCount }
        guard
            let chart = try await charts.chart(
                patient, parts: Self.parts(for: context.identity?.role), action: .read, resource: "Patient/$everything", as: try context.accessContext())
        else { throw Refusal.unknownPatientRecord }
        let all = FHIRChartResources(codes: codes, zone: zone).resources(of: chart)
        let page = Array(all.dropFirst(search.offset).prefix(search.count))
        return Self.response(bundle.searchset(page, total: all.count, page: (search.offset, search.count), request: request))
    }

    /// `POST /fhir/R4`: a hospital system's transaction, stored whole or not at all. Every
    /// problem of the bundle is named in one OperationOutcome (422, nothing stored); a resend
    /// finds what it stored before (`200 OK` for each, nothing created).
    @Sendable func transaction(_ request: Request, context: AppRequestContext) async throws -> Response {
        let body = try await request.body.collect(upTo: context.maxUploadSize)
        let bundle: JSONValue
        do {
            bundle = try JSONParser.parse(body.readableBytesView)
        } catch {
            throw Problem(.badRequest, "invalid-body", detail: "The body is not JSON (\(error.description)).")
        }
        try bundle.checkText()
        let access = try context.accessContext()
        var transaction = FHIRTransaction(codes: codes, organisations: access.organisations)
        transaction.read(bundle)
        guard transaction.issues.isEmpty else { return FHIROperationOutcome.response(transaction.issues, status: .unprocessableContent) }
        let outcomes: [IntakeOutcome]
        do {
            outcomes = try await intake.store(transaction.intake, as: access)
        } catch let refusal as IntakeRefusal {
            let issue = FHIRTransaction.Issue(
                code: refusal.code, expression: "Bundle.entry[\(refusal.entry)].resource.\(refusal.element)", diagnostics: refusal.message)
            return FHIROperationOutcome.response([issue], status: refusal.code == "conflict" ? .conflict : .unprocessableContent)
        }
        return Self.response(transactionResponse(transaction, outcomes))
    }

    /// The `transaction-response`: each entry's status (`201 Created`, or `200 OK` when found as
    /// it was) and where its resource is now read.
    private func transactionResponse(_ transaction: FHIRTransaction, _ outcomes: [IntakeOutcome]) -> JSONValue {
        let byEntry = Dictionary(outcomes.map { ($0.entry, $0) }, uniquingKeysWith: { first, _ in first })
        let episodeEntries = transaction.intake.episodes.map(\.entry)
        let entries: [JSONValue] = transaction.entries.enumerated().map { index, entry in
            let outcome = entry.prefix.isEmpty ? byEntry[index] : entry.episode.flatMap { byEntry[episodeEntries[$0]] }
            let location = outcome.map { "\(entry.type)/\(entry.prefix)\($0.id.fhirID)" }
            return .object([
                "response": FHIRJSON.object([
                    ("status", .string(outcome?.created == true ? "201 Created" : "200 OK")), ("location", location.map(JSONValue.string)),
                ])
            ])
        }
        return .object(["resourceType": .string("Bundle"), "type": .string("transaction-response"), "entry": .array(entries)])
    }

    /// `GET /Organization/{id}`: an organisation of the directory (no patient data).
    @Sendable func organisation(_ request: Request, context: AppRequestContext) async throws -> Response {
        _ = try FHIRSearch(request, type: "Organization", allowed: [], zone: zone)
        guard let id = UUID(uuidString: context.parameters.get("id") ?? ""),
            let organisation = try await charts.organisation(id, as: try context.accessContext())
        else { throw Refusal.notFound("No Organization with that id.") }
        return Self.response(FHIRPatientResources.organisation(organisation).json)
    }

    private func emptyBundle(_ request: Request) -> JSONValue {
        bundle.searchset([], total: 0, page: (0, 1), request: request)
    }

    /// A resource or bundle as `application/fhir+json`.
    static func response(_ value: JSONValue) -> Response {
        Response(
            status: .ok, headers: [.contentType: contentType, .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(bytes: FHIRJSON.bytes(value))))
    }
}
