import Clinical
import Foundation
import Hummingbird
import Logging
import Postgres
import Storage

/// The web sign-in: `/sign-in` offers the hospital's identity provider (`ProviderSignIn`), when
/// one is configured, and takes a pasted access token (from the provider, or `strokepath token
/// issue` in development), opening a session in PostgreSQL until the token's end (8 hours at
/// most), giving the browser its opaque id (`WebSession`) and going to the page asked for, else
/// the role's home; `/account` shows who is signed
/// in; `/sign-out` deletes the session, then sends the browser to the provider to end its
/// session too. Forms carry a CSRF token bound to the session, and pages that need a signed-in
/// user redirect to the sign-in page (which returns to them) instead of answering 401.
struct SignInPages: Sendable {

    let pages: PageRenderer
    let failures: CredentialFailures
    let sessions: WebSessions
    /// The hospital's identity provider, when staff sign in there.
    let provider: OpenIDProvider?
    /// Sign-ins waiting for the provider's answer.
    let requests: SignInRequests
    /// Where the account page reads the names of the user's organisations.
    let pool: PostgresPool

    struct SignInForm: Decodable {
        var token: String
        var csrf: String
        /// The local page to go to once signed in (else the role's home).
        var returnTo: String?

        enum CodingKeys: String, CodingKey {
            case token, csrf
            case returnTo = "return_to"
        }
    }

    struct SignOutForm: Decodable {
        var csrf: String
    }

    struct SignInView {
        let csrf: String
        let error: String?
        /// The identity provider's name, when it signs staff in.
        let provider: String?
        /// The button that signs in there.
        let providerButton: String
        /// The local page to go to once signed in.
        let returnTo: String
    }

    struct AccountView {
        struct Organisation {
            let name: String
            let id: String
        }

        let csrf: String
        let identity: Identity
        let role: String
        let organisations: [Organisation]
    }

    /// Sign-in and sign-out on `router` (a group with the per-user, else per-address, rate
    /// limit: each sign-in writes a session); the account page for the signed-in.
    func register(on router: RouterGroup<AppRequestContext>, signedIn: RouterGroup<SignedInContext>) {
        router.get("/sign-in") { request, _ in
            try signInPage(request, error: nil, status: .ok)
        }
        if let provider {
            ProviderSignIn(provider: provider, requests: requests, sessions: sessions, verifier: failures.verifier, pages: self)
                .register(on: router)
        }
        router.post("/sign-in") { request, context in
            let form = try await Self.form(SignInForm.self, request, maxUploadSize: context.maxUploadSize)
            guard WebSession.csrfMatches(form.csrf, request) else {
                return try signInPage(request, error: pages.texts(request)["sign_in_expired"], status: .forbidden, returnTo: form.returnTo)
            }
            let token = form.token.trimmingCharacters(in: .whitespacesAndNewlines)
            let verified: (identity: Identity, until: Date)
            do {
                verified = try await failures.verified(token, address: context.clientAddress)
            } catch let rejection as TokenVerifier.Rejection {
                return try signInPage(
                    request, error: pages.texts(request).format("sign_in_refused", ["reason": rejection.reason]), status: .unauthorized,
                    returnTo: form.returnTo)
            }
            let identity = verified.identity
            guard !identity.isSystem, identity.role != .integration else {
                return try signInPage(request, error: pages.texts(request)["sign_in_system_refused"], status: .unauthorized, returnTo: form.returnTo)
            }
            let until = min(verified.until, Date().addingTimeInterval(WebSession.longest))
            let id = try await sessions.open(
                .init(
                    subject: identity.subject, name: String(String.UnicodeScalarView(identity.name.unicodeScalars.prefix(200))),
                    role: identity.role.rawValue, organisations: identity.organisations), until: until)
            let asked = form.returnTo.flatMap { SignInRequests.isLocalPath($0) && $0 != "/" ? $0 : nil }
            var response = Response(status: .seeOther, headers: [.location: asked ?? identity.role.home])
            response.setCookie(WebSession.cookie(WebSession.sessionCookie, id, maxAge: max(1, Int(until.timeIntervalSinceNow))))
            context.logger.info("signed in", metadata: ["role": .string(identity.role.rawValue)])
            return response
        }
        signedIn.get("/account") { request, context in
            let identity = context.identity
            let names = try await OrganisationSettings.names(of: identity.organisations, pool: pool)
            let view = AccountView(
                csrf: WebSession.csrfToken(request), identity: identity, role: pages.texts(request)["role_\(identity.role.rawValue)"],
                organisations: identity.organisations.map { AccountView.Organisation(name: names[$0] ?? "", id: $0.uuidString.lowercased()) }
            )
            return try pages.page("account", view, request: request, identity: identity, csrf: view.csrf)
        }
        router.post("/sign-out") { request, context in
            let form = try await Self.form(SignOutForm.self, request, maxUploadSize: context.maxUploadSize)
            guard WebSession.csrfMatches(form.csrf, request) else {
                throw Problem(.forbidden, "csrf", detail: "The form expired; please sign out again.")
            }
            // This instance forgets the session even if the database is away; the browser's
            // cookie is cleared either way, and the database's row is deleted when it answers.
            var idToken: String?
            if let id = WebSession.sessionID(request) {
                do {
                    idToken = try await sessions.close(id)
                } catch {
                    context.logger.warning("sign-out could not reach the database", metadata: ["error": "\(String(reflecting: type(of: error)))"])
                }
            }
            // Signed out here, then at the provider too (RP-initiated logout), which comes back to the sign-in page.
            let signInPage = provider.flatMap { URL(string: "/sign-in", relativeTo: $0.settings.redirectURI)?.absoluteURL }
            // A very long ID token is left out: a long address is refused by some proxies (414), and the provider then asks.
            let hint = idToken.flatMap { $0.utf8.count <= 4_000 ? $0 : nil }
            let next = signInPage.flatMap { provider?.endSessionURL(returnTo: $0, idTokenHint: hint) }?.absoluteString ?? "/sign-in"
            var response = Response(status: .seeOther, headers: [.location: next])
            response.setCookie(WebSession.cookie(WebSession.sessionCookie, "", maxAge: 0))
            return response
        }
    }

    /// The sign-in page, with `error` said above its forms.
    func signInPage(_ request: Request, error: String?, status: HTTPResponse.Status, returnTo asked: String? = nil) throws -> Response {
        let returnTo = (asked ?? request.uri.queryParameters["return_to"].map(String.init)).flatMap { SignInRequests.isLocalPath($0) ? $0 : nil } ?? "/"
        let name = provider?.settings.displayName
        let view = SignInView(
            csrf: WebSession.csrfToken(request), error: error, provider: name,
            providerButton: pages.texts(request).format("sign_in_with", ["provider": name ?? ""]), returnTo: returnTo)
        return try pages.page("sign-in", view, request: request, identity: nil, csrf: view.csrf, status: status)
    }

    static func form<Form: Decodable>(_: Form.Type, _ request: Request, maxUploadSize: Int) async throws -> Form {
        let body = String(buffer: try await request.body.collect(upTo: maxUploadSize))
        for field in body.split(separator: "&") {
            let parts = field.split(separator: "=", maxSplits: 1).map { $0.replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? "" }
            for part in parts { try TextRules.checkFreeText(part, field: parts[0]) }
        }
        do {
            return try URLEncodedFormDecoder().decode(Form.self, from: body)
        } catch {
            throw Problem(.badRequest, "invalid-body", detail: "The form is incomplete.")
        }
    }
}
