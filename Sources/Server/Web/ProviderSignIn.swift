import Clinical
import Foundation
import Hummingbird
import Logging
import Storage

/// Sign-in through the hospital's OpenID provider (authorization code with PKCE):
/// `POST /sign-in/provider` keeps a new sign-in's state, nonce and verifier in PostgreSQL, gives
/// the browser a secret bound to it and sends the browser to the provider; the provider sends
/// it back to `/sign-in/callback`, where the sign-in is taken (once, by that browser only), the
/// code redeemed, the ID token checked (signature by the
/// provider's keys, issuer, audience and `azp`, expiry, nonce) and its claims mapped to a role and
/// organisations; a web session opens for the configured time (8 hours by default: then the
/// provider is asked again, which signs the user straight back in while its own session lasts). The provider ends sessions by back-channel sign-out
/// (`/sign-in/back-channel-logout`, OpenID Back-Channel Logout 1.0).
struct ProviderSignIn: Sendable {
    let provider: OpenIDProvider
    let requests: SignInRequests
    let sessions: WebSessions
    let verifier: TokenVerifier
    /// The sign-in page, which shows what went wrong.
    let pages: SignInPages

    /// The event a logout token must carry.
    static let logoutEvent = "http://schemas.openid.net/event/backchannel-logout"

    struct StartForm: Decodable {
        var csrf: String
        var return_to: String?
    }

    struct SignedInView {
        let destination: String
    }

    func register(on router: RouterGroup<AppRequestContext>) {
        router.post("/sign-in/provider") { request, context in
            let form = try await SignInPages.form(StartForm.self, request, maxUploadSize: context.maxUploadSize)
            guard WebSession.csrfMatches(form.csrf, request) else {
                throw Problem(.forbidden, "csrf", detail: "The form expired; please open the sign-in page again.")
            }
            let (state, browser, pending) = try await requests.begin(returnTo: form.return_to ?? "/")
            guard let url = provider.authorizationURL(state: state, nonce: pending.nonce, codeVerifier: pending.codeVerifier) else {
                throw Problem(.internalServerError, "internal-error", detail: "The identity provider's address is not usable.")
            }
            var response = Response(status: .seeOther, headers: [.location: url.absoluteString, .cacheControl: "no-store"])
            response.setCookie(Self.browserCookie(browser, maxAge: Int(SignInRequests.lifetime)))
            return response
        }
        router.get("/sign-in/callback") { request, context in
            do {
                return try await callback(request, context)
            } catch let problem as Problem {
                return try pages.signInPage(request, error: problem.detail, status: problem.status)
            }
        }
        router.post("/sign-in/back-channel-logout") { request, context in
            try await backChannelLogout(request, context)
        }
    }

    private func callback(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let query = request.uri.queryParameters
        guard let state = query["state"].map(String.init) else {
            throw Problem(.badRequest, "sign-in-incomplete", detail: "The identity provider's answer names no sign-in; please sign in again.")
        }
        guard let pending = try await requests.finish(state: state, browser: request.cookies[Self.browserCookieName]?.value) else {
            throw Problem(
                .badRequest, "sign-in-expired", detail: "This sign-in has expired, was already used or was started in another browser; please sign in again.")
        }
        if let error = query["error"] {
            let code = String(error.prefix(60).filter { $0.isASCII && ($0.isLetter || $0 == "_") })
            throw Problem(.unauthorized, "sign-in-refused", detail: "The identity provider did not sign you in (\(code)).")
        }
        guard let code = query["code"].map(String.init), !code.isEmpty, code.utf8.count <= 2_048 else {
            throw Problem(.badRequest, "sign-in-incomplete", detail: "The identity provider's answer has no code; please sign in again.")
        }
        let tokens: OpenIDProvider.Tokens
        do {
            tokens = try await provider.redeem(code: code, codeVerifier: pending.codeVerifier)
        } catch let error as ProviderError {
            context.logger.error("the identity provider did not redeem a sign-in's code", metadata: ["error": "\(error)"])
            throw Problem(.badGateway, "identity-provider", detail: "The identity provider could not complete the sign-in; please try again.")
        }
        let payload: TokenPayload
        let identity: Identity
        do {
            payload = try await verifier.payload(of: tokens.id_token, audience: provider.settings.clientID, types: ["jwt"])
            guard payload["nonce"]?.string == pending.nonce else { throw TokenVerifier.Rejection(reason: "the ID token's nonce is not this sign-in's") }
            // The authorized party, when named (and it must be when there are several audiences), is this client.
            let audiences = payload["aud"]?.strings ?? []
            if audiences.count > 1 || payload["azp"] != nil, payload["azp"]?.string != provider.settings.clientID {
                throw TokenVerifier.Rejection(reason: "the ID token was issued to another party")
            }
            identity = try verifier.identity(fromIDToken: payload)
            guard identity.role != .integration else { throw TokenVerifier.Rejection(reason: "a hospital system's role opens no web session") }
        } catch let rejection as TokenVerifier.Rejection {
            context.logger.warning("an ID token was refused", metadata: ["reason": "\(rejection.reason)"])
            throw Problem(.unauthorized, "sign-in-refused", detail: "The identity provider's answer was refused: \(rejection.reason).")
        }
        let lifetime = provider.settings.sessionLifetime.components
        let ends = Date().addingTimeInterval(Double(lifetime.seconds) + Double(lifetime.attoseconds) / 1e18)
        let id = try await sessions.open(
            .init(
                subject: identity.subject, name: identity.name, role: identity.role.rawValue, organisations: identity.organisations,
                providerSession: payload["sid"]?.string.flatMap { (1...255).contains($0.utf8.count) ? $0 : nil }), until: ends,
            idToken: tokens.id_token.utf8.count <= 16_384 ? tokens.id_token : nil)
        context.logger.info("signed in through the identity provider", metadata: ["role": .string(identity.role.rawValue)])
        // A page, not a redirect: the browser does not send the new SameSite=Strict cookie on
        // a redirect that a cross-site navigation (the provider's) started, but does on a
        // navigation this page starts.
        let destination = pending.returnTo == "/" ? identity.role.home : pending.returnTo
        var response = try pages.pages.page("signed-in", SignedInView(destination: destination), request: request, identity: nil)
        response.setCookie(WebSession.cookie(WebSession.sessionCookie, id, maxAge: max(1, Int(ends.timeIntervalSinceNow))))
        response.setCookie(Self.browserCookie("", maxAge: 0))
        return response
    }

    static let browserCookieName = "strokepath_sign_in"

    /// The secret of the browser that started a sign-in: sent back only to the callback, and —
    /// unlike the session's SameSite=Strict cookie — on the provider's redirect there (Lax).
    static func browserCookie(_ value: String, maxAge: Int) -> Cookie {
        Cookie(name: browserCookieName, value: value, maxAge: maxAge, path: "/sign-in/callback", secure: true, httpOnly: true, sameSite: .lax)
    }

    struct LogoutForm: Decodable {
        var logout_token: String
    }

    /// The provider ends a session (its user signed out there, or was signed out): the logout
    /// token is checked like an ID token (signature, issuer, audience, expiry) and must carry
    /// the back-channel event, an `iat`, no nonce, and a `sid` or `sub`; the sessions of that
    /// provider session and the user's pasted-token sessions (without a `sid`, all of the user's)
    /// end. 200 when done, 400 when the request or its token is refused.
    private func backChannelLogout(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let token: String
        do {
            token = try await SignInPages.form(LogoutForm.self, request, maxUploadSize: context.maxUploadSize).logout_token
        } catch let problem as Problem {
            return Self.logoutAnswer(.badRequest, "the request has no logout_token (\(problem.detail))")
        }
        do {
            let payload = try await verifier.payload(of: token, audience: provider.settings.clientID, types: ["logout+jwt", "jwt"])
            guard case .object(let events)? = payload["events"], events[Self.logoutEvent] != nil else {
                throw TokenVerifier.Rejection(reason: "the token is not a logout token")
            }
            guard payload["nonce"] == nil, payload["iat"]?.number != nil else { throw TokenVerifier.Rejection(reason: "the token is not a logout token") }
            let sid = payload["sid"]?.string
            let sub = payload["sub"]?.string
            guard sid != nil || sub != nil else { throw TokenVerifier.Rejection(reason: "the logout token names neither a session nor a user") }
            let ended = try await sessions.close(providerSession: sid, subject: sub)
            context.logger.info("signed out by the identity provider", metadata: ["sessions": "\(ended)"])
            return Self.logoutAnswer(.ok, nil)
        } catch let rejection as TokenVerifier.Rejection {
            context.logger.warning("a logout token was refused", metadata: ["reason": "\(rejection.reason)"])
            return Self.logoutAnswer(.badRequest, rejection.reason)
        }
    }

    /// Back-channel answers are for the provider, not a browser: JSON as OAuth errors are.
    private static func logoutAnswer(_ status: HTTPResponse.Status, _ reason: String?) -> Response {
        var body = JSONWriter(capacity: 128)
        if let reason {
            body.object { answer in
                answer.field("error", "invalid_request")
                answer.field("error_description", reason)
            }
        }
        return Response(
            status: status, headers: [.contentType: "application/json", .cacheControl: "no-store"], body: .init(byteBuffer: ByteBuffer(bytes: body.bytes)))
    }
}

extension Role {
    /// The page a user of the role starts from after signing in.
    var home: String {
        switch self {
        case .clinician: "/acute"
        case .rehabCoordinator, .therapist: "/rehab"
        case .planner: "/reports"
        case .auditor: "/audit/break-glass"
        case .admin: "/acute/profiles"
        case .integration: "/account"
        }
    }
}
