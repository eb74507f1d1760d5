import AcuteCare
import Clinical
import Foundation
import Hummingbird
import Storage

/// `/acute/profiles`: the guideline profiles as a clinical safety officer or an administrator
/// needs to see them: which is current and which superseded, whose product labels each
/// follows, what of each guideline is still read from secondary sources, and which profile
/// each of the user's organisations uses. Administrators change their organisation's profile
/// here (a form with CSRF; audited like the API's PUT).
struct AcuteProfilesPage: Sendable {
    let pages: PageRenderer
    let verifier: TokenVerifier
    let acute: AcuteDecisionSupport

    struct View {
        struct Profile {
            var id: String
            var title: String
            var jurisdiction: String
            var status: String
            var superseded: Bool
            var isDefault: Bool
            var verification: String?
        }

        struct Organisation {
            var id: String
            var profile: String
            var notice: String?
            var choices: [AcutePages.FormView.Option]
        }

        let title = "Guideline profiles"
        var csrf: String
        var profiles: [Profile]
        var organisations: [Organisation]
        var canChange: Bool
        var message: String?
    }

    func register(on router: Router<AppRequestContext>) {
        router.get("/acute/profiles") { request, _ in
            guard let identity = await WebSession.identity(request, verifier: verifier) else { return AcutePages.toSignIn }
            try Self.authorise(identity)
            return try await page(request, identity, message: nil, status: .ok)
        }
        router.post("/acute/profiles") { request, context in
            guard let identity = await WebSession.identity(request, verifier: verifier) else { return AcutePages.toSignIn }
            guard identity.role == .admin else { throw Refusal.notPermitted("Only administrators change a profile.") }
            let form = try await SignInPages.form([String: String].self, request, context)
            guard WebSession.csrfMatches(form["csrf"] ?? "", request) else {
                throw Problem(.forbidden, "csrf", detail: "The form expired; please open it again.")
            }
            guard let organisation = form["organisation"].flatMap(UUID.init(uuidString:)), identity.organisations.contains(organisation) else {
                return try await page(request, identity, message: "Choose one of your organisations.", status: .unprocessableContent)
            }
            let chosen = form["profile"].flatMap { $0.isEmpty ? nil : $0 }
            let access = AccessContext(
                subject: identity.subject, role: identity.role.rawValue, organisations: identity.organisations,
                requestID: context.requestID, clientAddress: context.clientAddress)
            do {
                try await acute.setProfile(chosen, of: organisation, as: access)
            } catch let refusal as Refusal {
                return try await page(request, identity, message: refusal.description, status: .unprocessableContent)
            }
            return try await page(request, identity, message: "Saved: \(chosen ?? "the protocol's default")", status: .ok)
        }
    }

    private static func authorise(_ identity: Identity) throws {
        guard identity.role == .clinician || identity.role == .admin else {
            throw Refusal.notPermitted("The profiles page is for clinicians and administrators.")
        }
    }

    private func page(_ request: Request, _ identity: Identity, message: String?, status: HTTPResponse.Status) async throws -> Response {
        let acute = self.acute.evaluator.acute
        let profiles = acute.profiles.map { profile in
            View.Profile(
                id: profile.id, title: profile.title, jurisdiction: profile.jurisdiction,
                status: profile.supersededBy.map { "superseded by \($0)" } ?? "current", superseded: profile.supersededBy != nil,
                isDefault: profile.id == acute.defaultProfile, verification: profile.verification
            )
        }
        var organisations: [View.Organisation] = []
        for organisation in identity.organisations {
            let setting = try await self.acute.profileSetting(of: organisation)
            let chosen: String?
            switch setting {
            case .noOrganisation: continue
            case .protocolDefault: chosen = nil
            case .chosen(let id): chosen = id
            }
            let effective = acute.profile(chosen)
            organisations.append(
                View.Organisation(
                    id: organisation.uuidString,
                    profile: chosen.map { "\($0) (chosen)" } ?? "\(acute.defaultProfile) (the protocol's default)",
                    notice: effective?.supersededBy.map { "A newer profile exists: \($0). Answers under \(effective?.id ?? "") say so." },
                    choices: [AcutePages.FormView.Option(value: "", label: "the protocol's default (\(acute.defaultProfile))", selected: chosen == nil)]
                        + acute.profiles.map { AcutePages.FormView.Option(value: $0.id, label: "\($0.id) — \($0.title)", selected: $0.id == chosen) }
                ))
        }
        let view = View(
            csrf: WebSession.csrfToken(request), profiles: profiles, organisations: organisations,
            canChange: identity.role == .admin, message: message)
        return try pages.page("acute-profiles", view, csrf: view.csrf, status: status)
    }
}
