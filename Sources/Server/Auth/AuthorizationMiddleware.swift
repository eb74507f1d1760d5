import Clinical
import Hummingbird

/// After authentication: the caller's role must be allowed the matched operation by
/// `AccessPolicy`, else 403 problem+json.
struct AuthorizationMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let identity = context.identity else {
            throw Problem(.unauthorized, "unauthenticated", detail: "This operation needs a bearer token.")
        }
        guard AccessPolicy.allows(identity.role, method: request.method.rawValue, path: context.endpointPath ?? "") else {
            throw Refusal.notPermitted("The role \(identity.role.rawValue) may not use this operation.")
        }
        return try await next(request, context)
    }
}
