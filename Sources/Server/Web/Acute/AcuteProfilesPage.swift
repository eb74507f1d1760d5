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
    let acute: AcuteDecisionSupport
    let statements: ProtocolStatements

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

        var csrf: String
        var profiles: [Profile]
        var organisations: [Organisation]
        var canChange: Bool
        var message: String?
    }

    func register(on signedIn: RouterGroup<SignedInContext>) {
        signedIn.get("/acute/profiles") { request, context in
            try await page(request, context.identity, message: nil, status: .ok)
        }
        signedIn.post("/acute/profiles") { request, context in
            let identity = context.identity
            let texts = pages.texts(request)
            let form = try await context.form(request)
            guard let organisation = form["organisation"].flatMap(UUID.init(uuidString:)), identity.organisations.contains(organisation) else {
                return try await page(request, identity, message: texts["profiles_choose_organisation"], status: .unprocessableContent)
            }
            let chosen = form["profile"].flatMap { $0.isEmpty ? nil : $0 }
            do {
                try await acute.setProfile(chosen, of: organisation, as: context.access)
            } catch let refusal as Refusal {
                return try await page(request, identity, message: refusal.description, status: .unprocessableContent)
            }
            return try await page(
                request, identity,
                message: texts.format(
                    "profiles_saved", ["profile": chosen ?? texts.format("profiles_protocol_default", ["profile": acute.evaluator.acute.defaultProfile])]),
                status: .ok)
        }
    }

    private func page(_ request: Request, _ identity: Identity, message: String?, status: HTTPResponse.Status) async throws -> Response {
        let texts = pages.texts(request)
        let acute = statements.acute(texts.language)
        let profiles = acute.profiles.map { profile in
            View.Profile(
                id: profile.id, title: profile.title, jurisdiction: profile.jurisdiction,
                status: profile.supersededBy.map { texts.format("profiles_superseded_by", ["profile": $0]) } ?? texts["profiles_current"],
                superseded: profile.supersededBy != nil,
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
                    profile: chosen.map { texts.format("profiles_chosen", ["profile": $0]) }
                        ?? texts.format("profiles_protocol_default", ["profile": acute.defaultProfile]),
                    notice: effective?.supersededBy.map { texts.format("profiles_newer", ["newer": $0, "profile": effective?.id ?? ""]) },
                    choices: [
                        AcutePages.FormView.Option(
                            value: "", label: texts.format("profiles_protocol_default", ["profile": acute.defaultProfile]), selected: chosen == nil)
                    ]
                        + acute.profiles.map { AcutePages.FormView.Option(value: $0.id, label: "\($0.id) — \($0.title)", selected: $0.id == chosen) }
                ))
        }
        let view = View(
            csrf: WebSession.csrfToken(request), profiles: profiles, organisations: organisations,
            canChange: identity.role == .admin, message: message)
        return try pages.page("acute-profiles", view, request: request, identity: identity, csrf: view.csrf, status: status)
    }
}
