public import Foundation
import JWTKit

/// Which tokens the service accepts: issuer, audience, and where the verification keys are.
public struct AuthenticationSettings: Sendable {
    /// Where the public keys come from.
    public enum KeySource: Sendable {
        /// A JWKS file of the hospital's identity provider (each key with `kid` and `alg`).
        case jwks(URL)
        /// The local development key (created on first use), for trying the service.
        case development(URL)
    }

    public var issuer: String
    public var audience: String
    public var keys: KeySource

    public init(issuer: String, audience: String, keys: KeySource) {
        self.issuer = issuer
        self.audience = audience
        self.keys = keys
    }

    /// The development issuer and audience, used with the development key.
    public static func development(keyFile: URL) -> AuthenticationSettings {
        AuthenticationSettings(issuer: DevelopmentKey.issuer, audience: "strokepath", keys: .development(keyFile))
    }

    /// True when the service would accept tokens from the local development key.
    public var isDevelopment: Bool {
        if case .development = keys { return true }
        return false
    }

    /// Loads the keys into a verifier.
    /// - Throws: `AuthenticationSettingsError` naming the file and what is wrong with it.
    public func makeVerifier() async throws -> TokenVerifier {
        let collection = JWTKeyCollection()
        var algorithms: [String: String] = [:]
        switch keys {
        case .development(let file):
            let key = try DevelopmentKey.loadOrCreate(at: file)
            await collection.add(ecdsa: key.publicKey, kid: JWKIdentifier(string: DevelopmentKey.keyID))
            algorithms[DevelopmentKey.keyID] = "ES256"
        case .jwks(let file):
            guard let data = FileManager.default.contents(atPath: file.path),
                let jwks = try? JSONDecoder().decode(JWKS.self, from: data)
            else { throw AuthenticationSettingsError(file: file.path, problem: "not a readable JWKS document") }
            for jwk in jwks.keys {
                guard let kid = jwk.keyIdentifier?.string, let algorithm = jwk.algorithm?.rawValue else {
                    throw AuthenticationSettingsError(file: file.path, problem: "every key needs a kid and an alg")
                }
                guard TokenVerifier.allowedAlgorithms.contains(algorithm) else {
                    throw AuthenticationSettingsError(file: file.path, problem: "key \(kid) uses \(algorithm); only ES256 and RS256 are accepted")
                }
                do {
                    try await collection.add(jwk: jwk)
                } catch {
                    throw AuthenticationSettingsError(file: file.path, problem: "key \(kid) cannot be used: \(error)")
                }
                algorithms[kid] = algorithm
            }
            guard !algorithms.isEmpty else { throw AuthenticationSettingsError(file: file.path, problem: "it holds no keys") }
        }
        return TokenVerifier(keys: collection, keyAlgorithms: algorithms, issuer: issuer, audience: audience)
    }
}

/// The authentication keys could not be loaded; start-up stops with this message.
public struct AuthenticationSettingsError: Error, CustomStringConvertible {
    public let file: String
    public let problem: String
    public var description: String { "authentication keys in \(file): \(problem)" }
}
