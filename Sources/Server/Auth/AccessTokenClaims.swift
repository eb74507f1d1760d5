import Foundation
import JWTKit

/// The claims of a development access token (`DevelopmentKey.issueToken`): StrokePath's own
/// `role` and `orgs`, which the standard `ClaimMapping` reads. Tokens are verified as a
/// `TokenPayload`, whatever their provider calls its claims.
struct AccessTokenClaims: JWTPayload, Equatable {
    var iss: IssuerClaim
    var aud: AudienceClaim
    var sub: SubjectClaim
    var exp: ExpirationClaim
    var nbf: NotBeforeClaim?
    var iat: IssuedAtClaim?
    var name: String?
    var role: String
    var orgs: [UUID]

    /// The claims are checked by `TokenVerifier`, which knows the expected issuer, audience
    /// and clock; the signature has been checked by the time this runs.
    func verify(using algorithm: some JWTAlgorithm) async throws {}
}
