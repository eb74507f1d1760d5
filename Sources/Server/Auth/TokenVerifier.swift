public import Foundation
import JWTKit
import Synchronization

/// Verifies bearer tokens: the signature with a configured key (ES256 or RS256 only, the key
/// chosen by the token's `kid`, which must be configured or, from a provider, published in its
/// JWKS), the header's type, then `iss`, `aud`, `exp` and `nbf` with a small leeway, then the
/// claims that make an `Identity` (`ClaimMapping`).
public struct TokenVerifier: Sendable {
    /// Why a token was refused. The text is safe to show; it never echoes the token.
    public struct Rejection: Error, Sendable, Equatable, CustomStringConvertible {
        public let reason: String
        public var description: String { reason }
    }

    /// The signature algorithms accepted; `none` and HMAC never are.
    /// (`TokenCacheKey` reads a 64-byte signature as ES256's r and s: another algorithm with
    /// 64-byte signatures, such as EdDSA, needs its own cache key.)
    static let allowedAlgorithms: Set<String> = ["ES256", "RS256"]

    private let keys: VerificationKeys
    private let issuer: String
    private let audience: String
    private let mapping: ClaimMapping
    private let accessTokenClaim: String?
    private let leeway: TimeInterval
    private let cache = VerifiedTokens()

    /// How many verified tokens the cache holds.
    var cachedTokens: Int { cache.count }

    /// - Parameters:
    ///   - keys: the verification keys, by key id, with their algorithms.
    ///   - issuer: the only accepted `iss`.
    ///   - audience: the `aud` that must be among an access token's audiences.
    ///   - mapping: how the claims become an identity.
    ///   - accessTokenClaim: a claim an access token must carry, which the provider's ID tokens
    ///     (they may name the same audience) do not: `client_id` (RFC 9068), `scope`, `scp`.
    ///   - leeway: clock skew allowed on `exp` and `nbf` (default 30 s).
    init(
        keys: VerificationKeys, issuer: String, audience: String, mapping: ClaimMapping = .standard, accessTokenClaim: String? = nil,
        leeway: TimeInterval = 30
    ) {
        self.keys = keys
        self.issuer = issuer
        self.audience = audience
        self.mapping = mapping
        self.accessTokenClaim = accessTokenClaim
        self.leeway = leeway
    }

    /// The identity a token carries, or a `Rejection` saying why not. A token verified
    /// before is answered from a bounded cache until it expires, so a client reusing its
    /// token pays for the signature check once.
    /// The cache keys a token by its signed part and its signature with ECDSA's `s` in its low
    /// form, so the same signature re-encoded (`s` → n − `s`, which the signature check accepts
    /// as providers sign either way) is the same token, not a second entry.
    public func identity(from token: String, now: Date = Date()) async throws(Rejection) -> Identity {
        try await verified(token, now: now).identity
    }

    /// The identity a token carries and until when it is valid (its expiry and the leeway).
    public func verified(_ token: String, now: Date = Date()) async throws(Rejection) -> (identity: Identity, until: Date) {
        let (cached, key) = lookUp(token, now: now)
        if let cached { return cached }
        let (identity, expiry) = try await verify(token, now: now)
        cache.store(identity, for: key, until: expiry)
        return (identity, expiry)
    }

    /// A token verified before and not yet expired, with its end; nil otherwise (nothing is verified).
    func cached(_ token: String, now: Date = Date()) -> (identity: Identity, until: Date)? {
        lookUp(token, now: now).entry
    }

    /// The cache's entry for `token` and its key. A token already in its key's form (an RS256
    /// token; an ES256 one whose `s` is in the low form, about half of them) is found without
    /// working the key out.
    private func lookUp(_ token: String, now: Date) -> (entry: (identity: Identity, until: Date)?, key: String) {
        if let entry = cache.entry(for: token, now: now) { return (entry, token) }
        let key = TokenCacheKey.canonical(token)
        return (key == token ? nil : cache.entry(for: key, now: now), key)
    }

    private func verify(_ token: String, now: Date) async throws(Rejection) -> (Identity, Date) {
        let payload = try await payload(of: token, audience: audience, types: ["jwt", "at+jwt"], now: now)
        // A provider's ID token may name this service as its audience too: it carries a nonce, or lacks the access token's claim.
        guard payload["nonce"] == nil, accessTokenClaim.map({ ![nil, .null, .string("")].contains(payload[$0]) }) ?? true else {
            throw Rejection(reason: "an ID token is not an access token")
        }
        let identity = try mapping.identity(from: payload, accessToken: true)
        guard let expiry = payload.date("exp") else { throw Rejection(reason: "the token has no expiry") }
        return (identity, expiry.addingTimeInterval(leeway))
    }

    /// The identity an OpenID ID token's claims carry, mapped as access tokens' are (a person's only).
    func identity(fromIDToken payload: TokenPayload) throws(Rejection) -> Identity {
        try mapping.identity(from: payload, accessToken: false)
    }

    /// A token's payload once its signature (a configured key's, by `kid`, ES256 or RS256), its
    /// header's type (one of `types`, or none), `iss`, `aud` (must include `audience`), `exp`
    /// and `nbf` (with the leeway) hold. Access tokens, ID tokens and logout tokens alike.
    func payload(of token: String, audience: String, types: Set<String>, now: Date = Date()) async throws(Rejection) -> TokenPayload {
        let header: JWTHeader
        do {
            header = try DefaultJWTParser().parse(Array(token.utf8), as: TokenPayload.self).header
        } catch {
            throw Rejection(reason: "the token is not a well-formed JWT")
        }
        guard let algorithm = header.alg, Self.allowedAlgorithms.contains(algorithm) else {
            throw Rejection(reason: "the token's algorithm is not accepted")
        }
        guard let kid = header.kid, let key = await keys.key(kid) else {
            throw Rejection(reason: "the token's key id is not configured")
        }
        guard key.algorithm == algorithm else {
            throw Rejection(reason: "the token's algorithm does not match its key")
        }
        if let type = header.typ, !types.contains(type.lowercased()) {
            throw Rejection(reason: "the token is not of the expected type")
        }
        // RFC 7515 §4.1.11: an extension named critical must be understood; this service understands none.
        guard header.fields["crit"] == nil else { throw Rejection(reason: "the token names a critical extension this service does not understand") }
        let payload: TokenPayload
        do {
            payload = try await key.keys.verify(token, as: TokenPayload.self)
        } catch {
            throw Rejection(reason: "the token's signature is not valid")
        }
        guard payload["iss"]?.string == issuer else { throw Rejection(reason: "the token's issuer is not trusted") }
        guard payload["aud"]?.strings.contains(audience) == true else { throw Rejection(reason: "the token is not meant for this service") }
        guard let expiry = payload.date("exp") else { throw Rejection(reason: "the token has no expiry") }
        guard expiry.addingTimeInterval(leeway) > now else { throw Rejection(reason: "the token has expired") }
        if let notBefore = payload.date("nbf"), notBefore.addingTimeInterval(-leeway) > now {
            throw Rejection(reason: "the token is not valid yet")
        }
        return payload
    }
}

/// Tokens already verified, with the identity they carry and when they stop being valid.
/// Bounded: when full, expired entries go, and if that is not enough, all of them.
final class VerifiedTokens: Sendable {
    private let entries = Mutex<[String: (identity: Identity, until: Date)]>([:])
    private let capacity = 10_000

    var count: Int { entries.withLock { $0.count } }

    func entry(for token: String, now: Date) -> (identity: Identity, until: Date)? {
        entries.withLock { entries in
            guard let entry = entries[token] else { return nil }
            guard entry.until > now else {
                entries[token] = nil
                return nil
            }
            return entry
        }
    }

    func store(_ identity: Identity, for token: String, until: Date) {
        entries.withLock { entries in
            if entries.count >= capacity {
                let now = Date()
                entries = entries.filter { $0.value.until > now }
                if entries.count >= capacity { entries.removeAll() }
            }
            entries[token] = (identity, until)
        }
    }
}
