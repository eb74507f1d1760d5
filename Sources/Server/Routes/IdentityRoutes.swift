import Foundation
import Hummingbird

/// `GET /api/v1/me`: who the token says the caller is — subject, name, role, organisations.
struct IdentityRoutes: Sendable {
    func register(on api: RouterGroup<AppRequestContext>) {
        api.get("/me") { _, context in
            guard let identity = context.identity else {
                throw Problem(.unauthorized, "unauthenticated", detail: "This operation needs a bearer token.")
            }
            return try JSONResponse.make(identity)
        }
    }
}
