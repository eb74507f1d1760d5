import Clinical
import Foundation
import Hummingbird
import Storage

/// A patient's identity (name, personal identity number, language, contact): read by the care
/// staff of the patient's organisations, written by its clinicians and rehab coordinators.
/// Row-level security decides; every read is audited; an identity that is not there and one
/// that is not the caller's to see are the same 404.
struct PatientIdentityController: Sendable {
    let identities: PatientIdentities

    struct Body: Decodable {
        var displayName: String
        var personalNumber: String?
        var preferredLanguage: PatientIdentity.Language?
        var phone: String?
        var email: String?
        var postalAddress: String?
    }

    var endpoints: RouteCollection<AppRequestContext> {
        RouteCollection(context: AppRequestContext.self)
            .get("/patients/:id/identity", use: identity)
            .put("/patients/:id/identity", use: save)
    }

    @Sendable func identity(_ request: Request, context: AppRequestContext) async throws -> some ResponseGenerator {
        let id = try QueryParameter.patientID(context)
        guard let identity = try await identities.find(id, as: try context.accessContext()) else {
            throw Refusal.notFound("No identity is recorded for a patient accessible to you with that id.")
        }
        return identity
    }

    @Sendable func save(_ request: Request, context: AppRequestContext) async throws -> some ResponseGenerator {
        let id = try QueryParameter.patientID(context)
        let body = try await request.decode(as: Body.self, context: context)
        let saved = try await identities.save(
            PatientIdentity(
                patientId: id, displayName: body.displayName, personalNumber: body.personalNumber, preferredLanguage: body.preferredLanguage ?? .sv,
                phone: body.phone, email: body.email, postalAddress: body.postalAddress), as: try context.accessContext())
        return saved
    }
}
