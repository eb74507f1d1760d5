public import Foundation
import JWTKit
import Logging

/// Which tokens the service accepts: issuer, audience, where the verification keys are, and
/// how the claims become an identity.
public struct AuthenticationSettings: Sendable {
    /// Where the public keys come from.
    public enum KeySource: Sendable {
        /// A JWKS file of the hospital's identity provider (each key with `kid` and `alg`).
        case jwks(URL)
        /// The local development key (created on first use), for trying the service.
        case development(URL)
        /// The hospital's OpenID provider: its keys from its `jwks_uri`, fetched again when it
        /// rotates them, and sign-in on the web pages through it.
        case provider(OpenIDSettings)
    }

    public var issuer: String
    public var audience: String
    public var keys: KeySource

    public init(issuer: String, audience: String, keys: KeySource) {
        self.issuer = issuer
        self.audience = audience
        self.keys = keys
    }

    /// How claims become an identity: the provider's mapping, else StrokePath's own claims.
    public var mapping: ClaimMapping { openID?.mapping ?? .standard }

    /// The development issuer and audience, used with the development key.
    public static func development(keyFile: URL) -> AuthenticationSettings {
        AuthenticationSettings(issuer: DevelopmentKey.issuer, audience: "strokepath", keys: .development(keyFile))
    }

    /// Tokens from the hospital's OpenID provider, whose sign-in the pages use.
    public static func provider(_ settings: OpenIDSettings) -> AuthenticationSettings {
        AuthenticationSettings(issuer: settings.issuerString, audience: settings.apiAudience, keys: .provider(settings))
    }

    /// True when the service would accept tokens from the local development key.
    public var isDevelopment: Bool {
        if case .development = keys { return true }
        return false
    }

    /// The provider's settings, when staff sign in through one.
    public var openID: OpenIDSettings? {
        if case .provider(let settings) = keys { return settings }
        return nil
    }

    /// Loads the keys into a verifier (a provider's from the `jwks_uri` it was discovered with).
    /// - Throws: `AuthenticationSettingsError` naming the file and what is wrong with it;
    ///   `ProviderError` when the provider's keys cannot be fetched.
    func makeVerifier(provider: OpenIDProvider? = nil) async throws -> TokenVerifier {
        let keys: VerificationKeys
        switch self.keys {
        case .development(let file):
            let key = try DevelopmentKey.loadOrCreate(at: file)
            let collection = JWTKeyCollection()
            await collection.add(ecdsa: key.publicKey, kid: JWKIdentifier(string: DevelopmentKey.keyID))
            keys = VerificationKeys(fixed: .init(collection: collection, algorithms: [DevelopmentKey.keyID: "ES256"]))
        case .jwks(let file):
            guard let data = FileManager.default.contents(atPath: file.path) else {
                throw AuthenticationSettingsError(file: file.path, problem: "not a readable JWKS document")
            }
            keys = VerificationKeys(fixed: try await VerificationKeys.keySet(from: data, strict: true, source: file.path))
        case .provider(let settings):
            guard let provider else { throw ProviderError(message: "\(settings.issuerString) has not been discovered") }
            keys = try await VerificationKeys(
                url: provider.jwksURI, minimumRefresh: settings.keyRefreshInterval, logger: Logger(label: "strokepath.authentication"))
        }
        return TokenVerifier(keys: keys, issuer: issuer, audience: audience, mapping: mapping, accessTokenClaim: openID?.accessTokenClaim)
    }
}

/// The authentication keys could not be loaded; start-up stops with this message.
public struct AuthenticationSettingsError: Error, CustomStringConvertible {
    public let file: String
    public let problem: String
    public var description: String { "authentication keys in \(file): \(problem)" }
}
