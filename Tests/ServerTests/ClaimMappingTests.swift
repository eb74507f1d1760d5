import Foundation
import JWTKit
import Testing

@testable import Server

/// How a provider's claims become an identity (issue 20): claim names and value tables as
/// configuration, dotted paths, and every way a token without one clear role is refused.
@Suite struct ClaimMappingTests {
    static let north = UUID()
    static let south = UUID()

    static func payload(_ json: String) throws -> TokenPayload {
        try JSONDecoder().decode(TokenPayload.self, from: Data(json.utf8))
    }

    @Test func theStandardMappingReadsStrokePathsOwnClaims() throws {
        let identity = try ClaimMapping.standard.identity(
            from: Self.payload(#"{"sub":"u-1","name":"Dr One","role":"planner","orgs":["\#(Self.north)","\#(Self.north)","not-an-id"]}"#),
            accessToken: true)
        #expect(identity == Identity(subject: "u-1", name: "Dr One", role: .planner, organisations: [Self.north]))
    }

    @Test func groupsAndAnOrganisationAttributeMapThroughTables() throws {
        let mapping = ClaimMapping(
            roleClaim: "realm_access.roles", roles: try ClaimMapping.roleTable("sp-clinicians=clinician, sp-planners=planner"),
            organisationClaim: "https://region.example/hsa", organisations: try ClaimMapping.organisationTable("SE2321000016-N=\(Self.north)"),
            nameClaim: "preferred_username")
        let identity = try mapping.identity(
            from: Self.payload(
                #"{"sub":"u-2","preferred_username":"anna","realm_access":{"roles":["offline_access","sp-clinicians"]},"https://region.example/hsa":"SE2321000016-N"}"#
            ), accessToken: true)
        #expect(identity == Identity(subject: "u-2", name: "anna", role: .clinician, organisations: [Self.north]))
    }

    @Test func noRoleOrTwoRolesAreRefused() throws {
        let mapping = ClaimMapping(roleClaim: "groups", roles: try ClaimMapping.roleTable("a=clinician,b=planner"))
        #expect(throws: TokenVerifier.Rejection(reason: "the token carries no StrokePath role")) {
            try mapping.identity(from: Self.payload(#"{"sub":"u","groups":["other"]}"#), accessToken: true)
        }
        #expect(throws: TokenVerifier.Rejection(reason: "the token carries more than one StrokePath role")) {
            try mapping.identity(from: Self.payload(#"{"sub":"u","groups":["a","b"]}"#), accessToken: true)
        }
        #expect(throws: TokenVerifier.Rejection(reason: "the token's subject is invalid")) {
            try mapping.identity(from: Self.payload(#"{"groups":["a"]}"#), accessToken: true)
        }
    }

    /// A hospital system calling as itself (client credentials): its access token's subject is its
    /// client id (RFC 9068), and it acts with the role and organisations configured for it,
    /// whatever it claims. Anything else its client gave is refused, and it opens no web sign-in.
    @Test func aSystemActsAsConfiguredOnlyWithItsOwnAccessToken() throws {
        let mapping = ClaimMapping(
            roleClaim: "groups", roles: try ClaimMapping.roleTable("a=clinician"),
            systems: try ClaimMapping.systemTable("registry=planner@\(Self.north)+\(Self.south)"))
        let system = try Self.payload(#"{"sub":"registry","client_id":"registry","groups":["a"]}"#)
        #expect(
            try mapping.identity(from: system, accessToken: true)
                == Identity(subject: "system:registry", name: "registry (system)", role: .planner, organisations: [Self.north, Self.south]))
        let notItsOwn = TokenVerifier.Rejection(reason: "a system's client gave a token that is not the system's own")
        #expect(throws: notItsOwn) { try mapping.identity(from: system, accessToken: false) }
        #expect(throws: notItsOwn) {
            try mapping.identity(from: Self.payload(#"{"sub":"anna","client_id":"registry","groups":["a"]}"#), accessToken: true)
        }
        // A user is never a system: not by the prefix, nor by a client that is not one.
        #expect(throws: TokenVerifier.Rejection(reason: "the token's subject is invalid")) {
            try mapping.identity(from: Self.payload(#"{"sub":"system:registry","groups":["a"]}"#), accessToken: true)
        }
        #expect(throws: TokenVerifier.Rejection(reason: "the token carries no StrokePath role")) {
            try mapping.identity(from: Self.payload(#"{"sub":"other","client_id":"other"}"#), accessToken: true)
        }
        #expect(throws: ClaimMappingError(entry: "registry=planner")) { try ClaimMapping.systemTable("registry=planner") }
        #expect(throws: ClaimMappingError(entry: "registry=doctor@\(Self.north)")) { try ClaimMapping.systemTable("registry=doctor@\(Self.north)") }
        #expect(throws: ClaimMappingError(entry: "registry=admin@\(Self.south)")) {
            try ClaimMapping.systemTable("registry=planner@\(Self.north),registry=admin@\(Self.south)")
        }
        let long = String(repeating: "c", count: 194)
        #expect(throws: ClaimMappingError(entry: long)) { try ClaimMapping.systemTable("\(long)=planner@\(Self.north)") }
    }

    @Test func aTableEntryThatDoesNotParseIsNamed() {
        #expect(throws: ClaimMappingError(entry: "x=doctor")) { try ClaimMapping.roleTable("a=clinician,x=doctor") }
        #expect(throws: ClaimMappingError(entry: "HSA1")) { try ClaimMapping.organisationTable("HSA1") }
    }

    /// A provider's ID token names this service as its audience too, but only an access token
    /// opens the API: one that carries a sign-in's nonce is refused.
    @Test func anIDTokenIsNotAnAccessToken() async throws {
        let file = AuthenticationTests.keyFile()
        let verifier = try await AuthenticationSettings.development(keyFile: file).makeVerifier()
        let keys = JWTKeyCollection()
        await keys.add(ecdsa: try DevelopmentKey.loadOrCreate(at: file), kid: JWKIdentifier(string: DevelopmentKey.keyID))
        var claims: [String: ClaimValue] = [
            "iss": .string(DevelopmentKey.issuer), "aud": .array([.string("strokepath")]), "sub": .string("u-1"),
            "exp": .number(Date().addingTimeInterval(300).timeIntervalSince1970), "role": .string("clinician"), "orgs": .array([]),
        ]
        let access = try await keys.sign(TokenPayload(claims: claims), kid: JWKIdentifier(string: DevelopmentKey.keyID), header: ["typ": "JWT"])
        #expect(try await verifier.identity(from: access).role == .clinician)
        claims["nonce"] = .string("n-1")
        let idToken = try await keys.sign(TokenPayload(claims: claims), kid: JWKIdentifier(string: DevelopmentKey.keyID), header: ["typ": "JWT"])
        await #expect(throws: TokenVerifier.Rejection(reason: "an ID token is not an access token")) { try await verifier.identity(from: idToken) }
    }

    /// A payload nested as deep as a token can carry is refused, never a crash: claims are read
    /// before the signature is checked.
    @Test func aDeeplyNestedPayloadIsRefused() async throws {
        let verifier = try await AuthenticationSettings.development(keyFile: AuthenticationTests.keyFile()).makeVerifier()
        let base64 = { (text: String) in Data(text.utf8).base64URLEncoded }
        for depth in [100, 600, 20_000] {
            let payload = #"{"sub":"u","groups":"# + String(repeating: "[", count: depth) + String(repeating: "]", count: depth) + "}"
            let token = base64(#"{"alg":"ES256","kid":"strokepath-dev","typ":"JWT"}"#) + "." + base64(payload) + ".AAAA"
            await #expect(throws: TokenVerifier.Rejection.self) { try await verifier.identity(from: token) }
        }
    }

    /// RFC 7636, appendix B.
    @Test func thePKCEChallengeIsTheRFCsExample() {
        #expect(PKCE.challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk") == "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM")
    }

    /// A provider's JWKS may publish encryption keys and keys without `alg`: the signing keys
    /// are taken, the rest skipped; a file the operator wrote is held to every key.
    @Test func aProvidersKeySetKeepsItsSigningKeys() async throws {
        let document = #"""
            {"keys":[
              {"kty":"RSA","kid":"enc","use":"enc","alg":"RSA-OAEP","n":"AQAB","e":"AQAB"},
              {"kty":"RSA","kid":"enc-2","use":"enc","n":"\#(Self.modulus)","e":"AQAB"},
              {"kty":"RSA","kid":"sig","use":"sig","n":"\#(Self.modulus)","e":"AQAB"},
              {"kty":"oct","kid":"hmac","alg":"HS256","k":"c2VjcmV0"}
            ]}
            """#
        let set = try await VerificationKeys.keySet(from: Data(document.utf8), strict: false, source: "test")
        #expect(set.algorithms == ["sig": "RS256"])
        await #expect(throws: AuthenticationSettingsError.self) {
            try await VerificationKeys.keySet(from: Data(document.utf8), strict: true, source: "test")
        }
    }

    /// A 2048-bit RSA modulus (base64url), from RFC 7517's appendix A.1 example key.
    static let modulus =
        "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw"
}
