import HTTPTypes
import Hummingbird

/// Guards the API: every request needs `Authorization: Bearer <token>` with a valid token,
/// checked before anything reads the body. Missing or bad tokens get 401 problem+json with
/// `WWW-Authenticate` (never a redirect); a valid one puts its `Identity` in the context. An
/// address that sent too many refused tokens is answered 429 first (`CredentialFailures`).
struct AuthenticationMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    let failures: CredentialFailures

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let header = request.headers[.authorization] else {
            throw Self.unauthorized("This operation needs a bearer token.", challenge: #"Bearer realm="strokepath""#)
        }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else {
            throw Self.unauthorized("The Authorization header must be: Bearer <token>.", challenge: #"Bearer realm="strokepath", error="invalid_request""#)
        }
        var context = context
        do {
            context.identity = try await failures.verified(String(parts[1]), address: context.clientAddress).identity
        } catch let rejection as TokenVerifier.Rejection {
            throw Self.unauthorized("The bearer token was refused: \(rejection.reason).", challenge: #"Bearer realm="strokepath", error="invalid_token""#)
        }
        return try await next(request, context)
    }

    private static func unauthorized(_ detail: String, challenge: String) -> Problem {
        var problem = Problem(.unauthorized, "unauthenticated", detail: detail)
        problem.headers[.wwwAuthenticate] = challenge
        return problem
    }
}
