import Clinical
import Foundation
import Hummingbird
import Postgres
import Storage

/// The patient operations: register, list, read, the access-log extract, and break-glass.
/// Row-level security decides what the caller can see; every access is audited.
struct PatientController: Sendable {
    let records: PatientRecords

    struct Registration: Decodable {
        var organisationId: UUID
        var pseudonym: String
        var birthYear: Int?
        var sex: String?
    }

    struct BreakGlassRequest: Decodable {
        var reason: String
        var minutes: Int?
    }

    struct BreakGlassGrant: Encodable, ResponseEncodable {
        var patientId: UUID
        var validUntil: Date
    }

    static let sexes: Set<String> = ["female", "male", "other", "unknown"]

    var endpoints: RouteCollection<AppRequestContext> {
        RouteCollection(context: AppRequestContext.self)
            .post("/patients", use: register)
            .get("/patients", use: list)
            .get("/patients/:id", use: patient)
            .get("/patients/:id/access-log", use: accessLog)
            .post("/patients/:id/break-glass", use: breakGlass)
    }

    @Sendable func register(_ request: Request, context: AppRequestContext) async throws -> some ResponseGenerator {
        let body = try await request.decode(as: Registration.self, context: context)
        let access = try context.accessContext()
        guard access.organisations.contains(body.organisationId) else {
            throw Refusal.notPermitted("You do not act for that organisation.")
        }
        let pseudonym = body.pseudonym.trimmingCharacters(in: .whitespaces)
        guard !pseudonym.isEmpty else { throw Refusal.invalid("pseudonym", "must be 1 to 64 characters on one line") }
        try TextRules.checkIdentifier(pseudonym, field: "pseudonym", maxLength: 64)
        if let year = body.birthYear, !(1900...2100).contains(year) { throw Refusal.invalid("birthYear", "must be between 1900 and 2100") }
        let sex = body.sex ?? "unknown"
        guard Self.sexes.contains(sex) else { throw Refusal.invalid("sex", "must be one of female, male, other, unknown") }
        let patient = try await records.register(
            pseudonym: pseudonym, birthYear: body.birthYear, sex: sex, organisation: body.organisationId, as: access)
        return answer(patient, status: .created)
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> some ResponseGenerator {
        let limit = try QueryParameter.integer(request, "limit", default: 50, range: 1...100)
        let offset = try QueryParameter.integer(request, "offset", default: 0, range: 0...1_000_000)
        let patients = try await records.list(limit: limit, offset: offset, as: try context.accessContext())
        return patients
    }

    @Sendable func patient(_ request: Request, context: AppRequestContext) async throws -> some ResponseGenerator {
        let id = try QueryParameter.patientID(context)
        guard let patient = try await records.find(id, as: try context.accessContext()) else {
            throw Refusal.unknownPatientRecord
        }
        return patient
    }

    @Sendable func accessLog(_ request: Request, context: AppRequestContext) async throws -> some ResponseGenerator {
        let id = try QueryParameter.patientID(context)
        let entries = try await AuditQueries.extract(for: id, as: try context.accessContext(), pool: records.pool, audit: records.audit)
        return entries
    }

    @Sendable func breakGlass(_ request: Request, context: AppRequestContext) async throws -> some ResponseGenerator {
        let id = try QueryParameter.patientID(context)
        let body = try await request.decode(as: BreakGlassRequest.self, context: context)
        let access = try context.accessContext()
        guard !access.organisations.isEmpty else {
            throw Refusal.notPermitted("Break-glass needs an organisation you act for.")
        }
        let reason = body.reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (10...500).contains(reason.unicodeScalars.count) else { throw Refusal.invalid("reason", "must say why, in 10 to 500 characters") }
        let minutes = body.minutes ?? 60
        guard (1...240).contains(minutes) else { throw Refusal.invalid("minutes", "must be between 1 and 240") }
        let until = try await records.breakGlass(id, reason: reason, minutes: minutes, as: access)
        return answer(BreakGlassGrant(patientId: id, validUntil: until), status: .created)
    }

}
