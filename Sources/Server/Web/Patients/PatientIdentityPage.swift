import Clinical
import Foundation
import Hummingbird
import Storage

/// A patient's name and contact, kept apart from the clinical rows (`/patients/{id}/identity`):
/// read and written by the clinicians and rehab coordinators of the patient's organisation, the
/// store deciding (row-level security; an unknown patient and one not theirs are the same 404).
/// Every read and write is audited by the store; a refused field is named and nothing changes.
struct PatientIdentityPage: Sendable {
    let pages: PageRenderer
    let identities: PatientIdentities
    let patients: PatientRecords

    struct Option {
        var value: String
        var label: String
        var selected: Bool
    }

    struct View {
        var csrf: String
        var action: String
        var pseudonym: String
        var displayName: String
        var personalNumber: String
        var languages: [Option]
        var phone: String
        var email: String
        var postalAddress: String
        var notice: String?
        var errors: [String]
        var hasErrors: Bool
    }

    func register(on signedIn: RouterGroup<SignedInContext>) {
        signedIn.get("/patients/:id/identity") { request, context in
            let id = try QueryParameter.id(context, "patient")
            let patient = try await patient(id, context.access)
            let identity = try await identities.find(id, as: context.access)
            var values: [String: String] = [:]
            if let identity {
                values = [
                    "display_name": identity.displayName, "personal_number": identity.personalNumber ?? "",
                    "preferred_language": identity.preferredLanguage.rawValue, "phone": identity.phone ?? "", "email": identity.email ?? "",
                    "postal_address": identity.postalAddress ?? "",
                ]
            }
            let saved = request.uri.queryParameters["saved"] == "1" && identity != nil
            return try page(
                request, context, id: id, pseudonym: patient.pseudonym, values: values, notice: saved ? pages.texts(request)["identity_saved"] : nil,
                errors: [], status: .ok)
        }
        signedIn.post("/patients/:id/identity") { request, context in
            let id = try QueryParameter.id(context, "patient")
            let form = try await context.form(request)
            let patient = try await patient(id, context.access)
            func given(_ name: String) -> String? {
                guard let value = form[name]?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty else { return nil }
                return value
            }
            let texts = pages.texts(request)
            do {
                _ = try await identities.save(
                    PatientIdentity(
                        patientId: id, displayName: given("display_name") ?? "", personalNumber: given("personal_number"),
                        preferredLanguage: given("preferred_language").flatMap(PatientIdentity.Language.init(rawValue:)) ?? .sv,
                        phone: given("phone"), email: given("email"), postalAddress: given("postal_address")), as: context.access)
            } catch let refusal as Refusal {
                guard let problem = Problem.from(refusal), problem.status == .unprocessableContent else { throw refusal }
                let errors = problem.errors.map { "\(Self.label(of: $0.field, texts)): \($0.detail)" }
                return try page(
                    request, context, id: id, pseudonym: patient.pseudonym, values: form, notice: nil, errors: errors.isEmpty ? [problem.detail] : errors,
                    status: .unprocessableContent)
            }
            return Response(status: .seeOther, headers: [.location: "/patients/\(id.uuidString.lowercased())/identity?saved=1"])
        }
    }

    private func patient(_ id: UUID, _ access: AccessContext) async throws -> Patient {
        guard let patient = try await patients.find(id, as: access) else { throw Refusal.unknownPatientRecord }
        return patient
    }

    /// A field of the store's refusal by the form's label.
    private static func label(of field: String, _ texts: TextCatalogue.Texts) -> String {
        switch field {
        case "displayName": texts["identity_display_name"]
        case "personalNumber": texts["identity_personal_number"]
        case "phone": texts["identity_phone"]
        case "email": texts["identity_email"]
        case "postalAddress": texts["identity_postal_address"]
        default: field
        }
    }

    private func page(
        _ request: Request, _ context: SignedInContext, id: UUID, pseudonym: String, values: [String: String], notice: String?, errors: [String],
        status: HTTPResponse.Status
    ) throws -> Response {
        let texts = pages.texts(request)
        let csrf = WebSession.csrfToken(request)
        let language = values["preferred_language"] ?? "sv"
        let view = View(
            csrf: csrf, action: "/patients/\(id.uuidString.lowercased())/identity", pseudonym: pseudonym, displayName: values["display_name"] ?? "",
            personalNumber: values["personal_number"] ?? "",
            languages: [("sv", texts["identity_language_sv"]), ("en", texts["identity_language_en"])].map {
                Option(value: $0.0, label: $0.1, selected: $0.0 == language)
            },
            phone: values["phone"] ?? "", email: values["email"] ?? "", postalAddress: values["postal_address"] ?? "", notice: notice, errors: errors,
            hasErrors: !errors.isEmpty)
        return try pages.page("patient-identity", view, request: request, identity: context.identity, csrf: csrf, status: status)
    }
}
