import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import JWTKit
import PostgresTestSupport
import Testing

@testable import Server

/// Bearer tokens: one good token, and every way a token must be refused (all 401).
@Suite struct AuthenticationTests {
    static let organisation = UUID()
    static let identity = Identity(subject: "u-1", name: "Dr Test", role: .clinician, organisations: [organisation])

    /// A fresh development key in a temporary file.
    static func keyFile() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("key-\(UUID().uuidString).pem")
    }

    static func claims(
        issuer: String = DevelopmentKey.issuer, audience: String = "strokepath", role: String = "clinician",
        expires: Date = Date().addingTimeInterval(600), notBefore: Date = Date()
    ) -> AccessTokenClaims {
        AccessTokenClaims(
            iss: IssuerClaim(value: issuer), aud: AudienceClaim(value: [audience]), sub: SubjectClaim(value: "u-1"),
            exp: ExpirationClaim(value: expires), nbf: NotBeforeClaim(value: notBefore), iat: IssuedAtClaim(value: Date()),
            name: "Dr Test", role: role, orgs: [organisation]
        )
    }

    /// Signs claims with the development key under a chosen key id.
    static func sign(_ claims: AccessTokenClaims, keyFile: URL, kid: String = DevelopmentKey.keyID) async throws -> String {
        let keys = JWTKeyCollection()
        await keys.add(ecdsa: try DevelopmentKey.loadOrCreate(at: keyFile), kid: JWKIdentifier(string: kid))
        return try await keys.sign(claims, kid: JWKIdentifier(string: kid), header: ["typ": "JWT"])
    }

    /// The status and `WWW-Authenticate` of `GET /api/v1/me` with the given Authorization header.
    static func call(_ authorization: String?, keyFile: URL) async throws -> (HTTPResponse.Status, String?, String) {
        var configuration = Harness.configuration(database: Harness.unreachable)
        configuration.authentication = .development(keyFile: keyFile)
        let app = try await buildApplication(configuration: configuration, logger: TestDatabase.logger, metrics: Harness.metrics)
        return try await app.test(.router) { client in
            var headers: HTTPFields = [:]
            if let authorization { headers[.authorization] = authorization }
            return try await client.execute(uri: "/api/v1/me", method: .get, headers: headers) { response in
                (response.status, response.headers[.wwwAuthenticate], response.text)
            }
        }
    }

    @Test func validTokenGivesTheIdentity() async throws {
        let file = Self.keyFile()
        let token = try await DevelopmentKey.issueToken(for: Self.identity, lifetime: 300, keyFile: file)
        let (status, _, body) = try await Self.call("Bearer \(token)", keyFile: file)
        #expect(status == .ok)
        let identity = try JSONDecoder().decode(Identity.self, from: Data(body.utf8))
        #expect(identity == Self.identity)
    }

    @Test func missingTokenIs401WithAChallenge() async throws {
        let (status, challenge, body) = try await Self.call(nil, keyFile: Self.keyFile())
        #expect(status == .unauthorized)
        #expect(challenge?.hasPrefix("Bearer") == true)
        #expect(body.contains("urn:strokepath:problem:unauthenticated"))
    }

    enum BadToken: String, CaseIterable {
        case expired, notYetValid, wrongAudience, wrongIssuer, unknownKeyID, algorithmNone, tamperedPayload
        case hmacWithThePublicKey, unknownRole, otherKey, notAToken, basicScheme, criticalExtension
    }

    @Test(arguments: BadToken.allCases)
    func refusedTokensAre401(_ bad: BadToken) async throws {
        let file = Self.keyFile()
        let header: String
        switch bad {
        case .expired:
            header = "Bearer " + (try await Self.sign(Self.claims(expires: Date().addingTimeInterval(-120)), keyFile: file))
        case .notYetValid:
            header = "Bearer " + (try await Self.sign(Self.claims(notBefore: Date().addingTimeInterval(3600)), keyFile: file))
        case .wrongAudience:
            header = "Bearer " + (try await Self.sign(Self.claims(audience: "another-service"), keyFile: file))
        case .wrongIssuer:
            header = "Bearer " + (try await Self.sign(Self.claims(issuer: "https://evil.example"), keyFile: file))
        case .unknownKeyID:
            header = "Bearer " + (try await Self.sign(Self.claims(), keyFile: file, kid: "not-configured"))
        case .algorithmNone:
            let keys = JWTKeyCollection()
            await keys.addUnsecuredNone(kid: JWKIdentifier(string: DevelopmentKey.keyID))
            header = "Bearer " + (try await keys.sign(Self.claims(), kid: JWKIdentifier(string: DevelopmentKey.keyID)))
        case .tamperedPayload:
            let good = try await Self.sign(Self.claims(), keyFile: file).split(separator: ".")
            let admin = try await Self.sign(Self.claims(role: "admin"), keyFile: Self.keyFile()).split(separator: ".")
            header = "Bearer \(good[0]).\(admin[1]).\(good[2])"
        case .hmacWithThePublicKey:
            let publicPEM = try DevelopmentKey.loadOrCreate(at: file).publicKey.pemRepresentation
            let keys = JWTKeyCollection()
            await keys.add(hmac: HMACKey(from: publicPEM), digestAlgorithm: .sha256, kid: JWKIdentifier(string: DevelopmentKey.keyID))
            header = "Bearer " + (try await keys.sign(Self.claims(), kid: JWKIdentifier(string: DevelopmentKey.keyID)))
        case .unknownRole:
            header = "Bearer " + (try await Self.sign(Self.claims(role: "superuser"), keyFile: file))
        case .otherKey:
            header = "Bearer " + (try await Self.sign(Self.claims(), keyFile: Self.keyFile()))
        case .notAToken:
            header = "Bearer not.a.token"
        case .basicScheme:
            header = "Basic dXNlcjpwYXNz"
        case .criticalExtension:
            // L6: RFC 7515 §4.1.11, an extension marked critical that the service does not understand.
            let keys = JWTKeyCollection()
            await keys.add(ecdsa: try DevelopmentKey.loadOrCreate(at: file), kid: JWKIdentifier(string: DevelopmentKey.keyID))
            header =
                "Bearer "
                + (try await keys.sign(
                    Self.claims(), kid: JWKIdentifier(string: DevelopmentKey.keyID), header: ["typ": "JWT", "crit": .array([.string("exp")])]))
        }
        // The service's key is created from `file` when it first runs, unless made above.
        _ = try DevelopmentKey.loadOrCreate(at: file)
        let (status, challenge, body) = try await Self.call(header, keyFile: file)
        #expect(status == .unauthorized, "\(bad): \(body)")
        #expect(challenge?.hasPrefix("Bearer") == true)
        #expect(!body.contains(header.dropFirst(7).prefix(20)))
    }

    /// L6: an ES256 signature with `s` replaced by n − `s` is as valid (providers sign in either
    /// form, so both are accepted), and it is the same token: one cache entry, not two.
    @Test func L6_aReEncodedSignatureIsTheSameToken() async throws {
        let file = Self.keyFile()
        let verifier = try await AuthenticationSettings.development(keyFile: file).makeVerifier()
        let token = try await Self.sign(Self.claims(), keyFile: file)
        let parts = token.split(separator: ".")
        var signature = try #require(Data(base64URL: String(parts[2])))
        signature.replaceSubrange(32..<64, with: TokenCacheKey.complement(Array(signature[32..<64])))
        let reEncoded = "\(parts[0]).\(parts[1]).\(signature.base64URLEncoded)"
        #expect(reEncoded != token)
        let first = try await verifier.identity(from: reEncoded)
        #expect(verifier.cached(token)?.identity == first)
        #expect(verifier.cached(reEncoded)?.identity == first)
        #expect(try await verifier.identity(from: token) == first)
        #expect(verifier.cachedTokens == 1)
    }

    /// The cache key of many signatures, each in its four forms (`s` low or high, spare bits
    /// of the last character clear or set): one key, `s` low and no spare bit, worked out byte
    /// by byte, which is the token itself exactly when it is in that form. A token of another
    /// shape gets Foundation's decoding: its own key, or (`+` for `-`) the same one.
    @Test func L6_everyFormOfASignatureHasOneKey() {
        // The reference encoding, Foundation's, not the key's own.
        func base64URL(_ data: Data) -> String {
            data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
                .replacingOccurrences(of: "=", with: "")
        }
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)
        var random = SystemRandomNumberGenerator()
        for round in 0..<300 {
            var signature = Data((0..<64).map { _ in UInt8.random(in: 0...255, using: &random) })
            signature[32] = min(signature[32], 0xFE)  // s < n, which begins 0xFFFFFFFF00
            let s = Array(signature[32..<64])
            let complement = TokenCacheKey.complement(s)
            let low = complement.lexicographicallyPrecedes(s) ? complement : s
            signature.replaceSubrange(32..<64, with: low)
            let head = round.isMultiple(of: 10) ? "." : "aGVhZA.Y2xhaW1z"
            let canonical = "\(head).\(base64URL(signature))"
            for high in [false, true] {
                var form = signature
                if high { form.replaceSubrange(32..<64, with: TokenCacheKey.complement(low)) }
                var encoded = Array(base64URL(form).utf8)
                for spare in [false, true] {
                    // The last character's four low bits are spare (86 characters, 64 bytes).
                    if spare, let value = alphabet.firstIndex(of: encoded[85]) { encoded[85] = alphabet[value | 1] }
                    let token = head + "." + String(decoding: encoded, as: UTF8.self)
                    #expect(TokenCacheKey.es256Key(token) == canonical, "\(token): high s \(high), spare bits \(spare)")
                    #expect(TokenCacheKey.canonical(token) == canonical, "\(token)")
                    #expect((token == canonical) == (!high && !spare), "\(token)")
                    if token.contains("-") {
                        let plus = token.replacingOccurrences(of: "-", with: "+")
                        #expect(TokenCacheKey.es256Key(plus) == nil && TokenCacheKey.canonical(plus) == canonical, "\(plus)")
                    }
                }
            }
        }
        for token in [
            "a.b.c", "aGVhZA.Y2xhaW1z", "a.b.c.d", "h.c." + String(repeating: "A", count: 342), "h.c." + String(repeating: "*", count: 86),
            "a.\u{301}b." + String(repeating: "_", count: 86),
        ] {
            #expect(TokenCacheKey.es256Key(token) == nil && TokenCacheKey.canonical(token) == token, "\(token)")
        }
    }

    @Test func aCachedTokenStillExpires() async throws {
        let file = Self.keyFile()
        let verifier = try await AuthenticationSettings.development(keyFile: file).makeVerifier()
        let token = try await DevelopmentKey.issueToken(for: Self.identity, lifetime: 60, keyFile: file)
        #expect(try await verifier.identity(from: token) == Self.identity)
        #expect(try await verifier.identity(from: token) == Self.identity)
        await #expect(throws: TokenVerifier.Rejection.self) {
            try await verifier.identity(from: token, now: Date().addingTimeInterval(3600))
        }
    }

    /// Judged at a fixed instant, so that a slow machine cannot push it past the leeway.
    @Test func leewayToleratesSmallClockSkew() async throws {
        let file = Self.keyFile()
        let verifier = try await AuthenticationSettings.development(keyFile: file).makeVerifier()
        let now = Date()
        let token = try await Self.sign(Self.claims(expires: now.addingTimeInterval(-10), notBefore: now.addingTimeInterval(10)), keyFile: file)
        #expect(try await verifier.identity(from: token, now: now) == Self.identity)
        await #expect(throws: TokenVerifier.Rejection.self) {
            try await verifier.identity(from: token, now: now.addingTimeInterval(60))
        }
    }
}

/// Production keys come from a JWKS file of the identity provider.
@Suite struct JWKSKeyTests {
    static func jwksFile(_ jwks: JWKS) throws -> URL {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("jwks-\(UUID().uuidString).json")
        try JSONEncoder().encode(jwks).write(to: file)
        return file
    }

    @Test func tokensSignedByAConfiguredKeyAreAccepted() async throws {
        let key = ES256PrivateKey()
        guard let parameters = key.publicKey.parameters else {
            Issue.record("no key parameters")
            return
        }
        let jwk = JWK.ecdsa(.es256, identifier: "idp-2026", x: parameters.x, y: parameters.y, curve: .p256)
        let settings = AuthenticationSettings(issuer: "https://idp.region.example", audience: "strokepath", keys: .jwks(try Self.jwksFile(JWKS(keys: [jwk]))))
        let verifier = try await settings.makeVerifier()
        let keys = JWTKeyCollection()
        await keys.add(ecdsa: key, kid: "idp-2026")
        var claims = AuthenticationTests.claims(issuer: "https://idp.region.example")
        let token = try await keys.sign(claims, kid: "idp-2026", header: ["typ": "JWT"])
        let identity = try await verifier.identity(from: token)
        #expect(identity.role == .clinician)
        claims.iss = IssuerClaim(value: DevelopmentKey.issuer)
        let developmentToken = try await keys.sign(claims, kid: "idp-2026")
        await #expect(throws: TokenVerifier.Rejection.self) { try await verifier.identity(from: developmentToken) }
    }

    @Test func keysWithoutAnIdOrUnreadableFilesStopStartUp() async throws {
        let jwk = JWK.rsa(.rs256, identifier: nil, modulus: "AQAB", exponent: "AQAB")
        let file = try Self.jwksFile(JWKS(keys: [jwk]))
        let error = await #expect(throws: AuthenticationSettingsError.self) {
            _ = try await AuthenticationSettings(issuer: "i", audience: "a", keys: .jwks(file)).makeVerifier()
        }
        #expect(error?.description.contains(file.path) == true)
        let missing = await #expect(throws: AuthenticationSettingsError.self) {
            _ = try await AuthenticationSettings(issuer: "i", audience: "a", keys: .jwks(URL(fileURLWithPath: "/nonexistent.json"))).makeVerifier()
        }
        #expect(missing?.problem.contains("JWKS") == true)
    }
}
