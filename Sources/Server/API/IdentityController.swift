import Foundation
import Hummingbird

/// `GET /api/v1/me`: who the token says the caller is — subject, name, role, organisations.
struct IdentityController: Sendable {
    var endpoints: RouteCollection<AppRequestContext> {
        RouteCollection(context: AppRequestContext.self)
            .get("/me", use: me)
    }

    @Sendable func me(_ request: Request, context: AppRequestContext) async throws -> some ResponseGenerator {
        guard let identity = context.identity else {
            throw Problem(.unauthorized, "unauthenticated", detail: "This operation needs a bearer token.")
        }
        return identity
    }

}
