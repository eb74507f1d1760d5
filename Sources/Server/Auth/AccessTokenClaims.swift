import Foundation
import JWTKit

/// The claims of a StrokePath access token.
///
/// `iss`, `aud`, `exp` and `nbf` are checked by `TokenVerifier` against its configuration,
/// with a small leeway, after the signature; `role` and `orgs` become the `Identity`.
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
