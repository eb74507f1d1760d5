import Foundation
import JWTKit
import Logging

/// The keys tokens are verified with, by key id: fixed (the development key, a JWKS file), or
/// the identity provider's JWKS fetched from its URL and fetched again when a token names a
/// key not known yet — the provider has rotated its keys — at most once per `minimumRefresh`,
/// one fetch at a time.
actor VerificationKeys {
    /// Keys by id, with the algorithm each signs with.
    struct KeySet: Sendable {
        var collection: JWTKeyCollection
        var algorithms: [String: String]
    }

    private var current: KeySet
    private let url: URL?
    private let logger: Logger?
    private let minimumRefresh: Duration
    private var lastFetch: ContinuousClock.Instant
    private var fetching: Task<KeySet, any Error>?

    init(fixed keys: KeySet) {
        current = keys
        url = nil
        logger = nil
        minimumRefresh = .zero
        lastFetch = .now
    }

    /// Fetches the provider's keys once; later fetches follow unknown key ids, and a failed one
    /// is logged (tokens signed with the new key are refused until one succeeds).
    init(url: URL, minimumRefresh: Duration, logger: Logger) async throws {
        current = try await Self.fetch(url)
        self.url = url
        self.logger = logger
        self.minimumRefresh = minimumRefresh
        lastFetch = .now
    }

    /// The keys and the algorithm of key `kid`, fetching the provider's keys again if it is
    /// unknown and the last fetch is at least `minimumRefresh` old; nil if it stays unknown.
    func key(_ kid: String) async -> (keys: JWTKeyCollection, algorithm: String)? {
        if let algorithm = current.algorithms[kid] { return (current.collection, algorithm) }
        guard let url else { return nil }
        if let fetching {
            // Whoever resumes first stores what the one fetch brought.
            if let fetched = try? await fetching.value { current = fetched }
        } else if ContinuousClock.now - lastFetch >= minimumRefresh {
            let task = Task { try await Self.fetch(url) }
            fetching = task
            lastFetch = .now
            do {
                current = try await task.value
            } catch {
                logger?.error("the identity provider's keys could not be fetched again", metadata: ["error": "\(error)"])
            }
            fetching = nil
        }
        return current.algorithms[kid].map { (current.collection, $0) }
    }

    /// The provider's JWKS document at `url`.
    static func fetch(_ url: URL) async throws -> KeySet {
        let data = try await ProviderHTTP.get(url)
        return try await keySet(from: data, strict: false, source: url.absoluteString)
    }

    /// The usable keys of a JWKS document: ES256 and RS256 signing keys with a key id. `strict`
    /// (a file the operator wrote) refuses any other key; otherwise (a provider's document,
    /// which may also publish encryption keys) they are skipped, and a key without `alg` takes
    /// its key type's (RSA: RS256, P-256: ES256).
    static func keySet(from data: Data, strict: Bool, source: String) async throws -> KeySet {
        guard let document = try? JSONSerialization.jsonObject(with: data) as? [String: Any], let entries = document["keys"] as? [Any] else {
            throw AuthenticationSettingsError(file: source, problem: "not a readable JWKS document")
        }
        let collection = JWTKeyCollection()
        var algorithms: [String: String] = [:]
        for entry in entries {
            // An encryption key is never a signing key, whatever its type.
            if !strict, (entry as? [String: Any])?["use"] as? String == "enc" { continue }
            guard let json = try? JSONSerialization.data(withJSONObject: entry), var jwk = try? JSONDecoder().decode(JWK.self, from: json) else {
                if strict { throw AuthenticationSettingsError(file: source, problem: "not a readable JWKS document") }
                continue
            }
            if !strict, jwk.algorithm == nil {
                jwk.algorithm = jwk.keyType == .rsa ? .rs256 : jwk.curve?.rawValue == "P-256" ? .es256 : nil
            }
            guard let kid = jwk.keyIdentifier?.string, let algorithm = jwk.algorithm?.rawValue else {
                if strict { throw AuthenticationSettingsError(file: source, problem: "every key needs a kid and an alg") }
                continue
            }
            guard TokenVerifier.allowedAlgorithms.contains(algorithm) else {
                if strict { throw AuthenticationSettingsError(file: source, problem: "key \(kid) uses \(algorithm); only ES256 and RS256 are accepted") }
                continue
            }
            do {
                try await collection.add(jwk: jwk)
            } catch {
                if strict { throw AuthenticationSettingsError(file: source, problem: "key \(kid) cannot be used: \(error)") }
                continue
            }
            algorithms[kid] = algorithm
        }
        guard !algorithms.isEmpty else { throw AuthenticationSettingsError(file: source, problem: "it holds no usable keys (ES256 or RS256 with a kid)") }
        return KeySet(collection: collection, algorithms: algorithms)
    }
}
