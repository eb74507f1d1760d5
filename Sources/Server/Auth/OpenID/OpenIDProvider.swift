import Crypto
import Foundation

/// The identity provider as its discovery document describes it (OpenID Connect Discovery
/// 1.0), fetched once at start-up, and the two requests the service makes to it: the browser's
/// authorization request (code flow, PKCE S256) and the code's redemption at the token endpoint.
struct OpenIDProvider: Sendable {
    let settings: OpenIDSettings
    let authorizationEndpoint: URL
    let tokenEndpoint: URL
    let jwksURI: URL
    /// Where the browser ends the provider's session too (RP-initiated logout), if it has one.
    let endSessionEndpoint: URL?

    private struct Discovery: Decodable {
        var issuer: String
        var authorization_endpoint: URL
        var token_endpoint: URL
        var jwks_uri: URL
        var end_session_endpoint: URL?
        var code_challenge_methods_supported: [String]?
    }

    /// Reads the provider's discovery document; its `issuer` must be the configured one exactly.
    static func discover(_ settings: OpenIDSettings) async throws -> OpenIDProvider {
        let url = settings.issuer.appendingPathComponent(".well-known/openid-configuration")
        let discovery: Discovery
        do {
            discovery = try JSONDecoder().decode(Discovery.self, from: try await ProviderHTTP.get(url))
        } catch let error as ProviderError {
            throw error
        } catch {
            throw ProviderError(message: "\(url.absoluteString) is not an OpenID discovery document")
        }
        guard discovery.issuer == settings.issuerString else {
            throw ProviderError(message: "the discovery document names the issuer \(discovery.issuer), not \(settings.issuerString) as configured")
        }
        if let methods = discovery.code_challenge_methods_supported, !methods.contains("S256") {
            throw ProviderError(message: "the provider does not support PKCE with S256")
        }
        return OpenIDProvider(
            settings: settings, authorizationEndpoint: discovery.authorization_endpoint, tokenEndpoint: discovery.token_endpoint,
            jwksURI: discovery.jwks_uri, endSessionEndpoint: discovery.end_session_endpoint)
    }

    /// Where the browser goes to sign in: the authorization request with `state`, `nonce` and
    /// the verifier's S256 challenge.
    func authorizationURL(state: String, nonce: String, codeVerifier: String) -> URL? {
        PercentEncoding.url(
            authorizationEndpoint,
            adding: [
                ("response_type", "code"), ("client_id", settings.clientID), ("redirect_uri", settings.redirectURI.absoluteString),
                ("scope", (["openid"] + settings.scopes.filter { $0 != "openid" }).joined(separator: " ")), ("state", state), ("nonce", nonce),
                ("code_challenge", PKCE.challenge(codeVerifier)), ("code_challenge_method", "S256"),
            ])
    }

    /// The tokens an authorization code is redeemed for (the service keeps only the ID token).
    struct Tokens: Decodable {
        var id_token: String
    }

    /// Redeems the code with its verifier (client_secret_basic).
    func redeem(code: String, codeVerifier: String) async throws -> Tokens {
        let data = try await ProviderHTTP.post(
            tokenEndpoint,
            form: [
                ("grant_type", "authorization_code"), ("code", code), ("redirect_uri", settings.redirectURI.absoluteString),
                ("code_verifier", codeVerifier),
            ], user: settings.clientID, password: settings.clientSecret)
        do {
            return try JSONDecoder().decode(Tokens.self, from: data)
        } catch {
            throw ProviderError(message: "the token endpoint's answer has no ID token")
        }
    }

    /// Where the browser goes after signing out here, to sign out at the provider as well and
    /// come back to `returnTo`; the session's ID token tells the provider whose session ends,
    /// so that it does not ask.
    func endSessionURL(returnTo: URL, idTokenHint: String?) -> URL? {
        guard let endSessionEndpoint else { return nil }
        let hint = idTokenHint.map { [("id_token_hint", $0)] } ?? []
        return PercentEncoding.url(
            endSessionEndpoint, adding: [("client_id", settings.clientID), ("post_logout_redirect_uri", returnTo.absoluteString)] + hint)
    }

    /// The origins of the provider's pages that forms on this service's pages lead to (signing
    /// in, signing out): the content security policy's `form-action` names them.
    var origins: [String] {
        var origins: [String] = []
        for url in [authorizationEndpoint, endSessionEndpoint].compactMap(\.self) + settings.formOrigins.compactMap(URL.init(string:)) {
            guard let scheme = url.scheme, let host = url.host else { continue }
            let origin = url.port.map { "\(scheme)://\(host):\($0)" } ?? "\(scheme)://\(host)"
            if !origins.contains(origin) { origins.append(origin) }
        }
        return origins
    }
}

/// Proof Key for Code Exchange (RFC 7636).
enum PKCE {
    /// The S256 challenge: base64url(SHA-256(verifier)) without padding.
    static func challenge(_ verifier: String) -> String {
        Data(SHA256.hash(data: Data(verifier.utf8))).base64URLEncoded
    }
}
