import Clinical
import Hummingbird
import Storage

/// Reads the web session's cookie once per page request and puts the signed-in identity, if
/// any, in the context (a page without one is not refused here: the sign-in page is a page).
struct WebSessionMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    let sessions: WebSessions
    /// For a page that must show without the database (the status page): a session that cannot
    /// be read counts as none.
    var optional = false

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        do {
            context.identity = try await WebSession.identity(request, sessions: sessions)
        } catch  where optional {
            context.identity = nil
        }
        return try await next(request, context)
    }
}

/// A page request by a signed-in user: the pages that need one are routed in a group of this
/// context, whose making sends anybody else to the sign-in page.
struct SignedInContext: ChildRequestContext {
    var coreContext: CoreRequestContextStorage
    let identity: Identity
    let requestID: String
    let clientAddress: String?
    let maxUploadSize: Int

    init(context: AppRequestContext) throws {
        guard let identity = context.identity else { throw SignInRequired() }
        coreContext = context.coreContext
        self.identity = identity
        requestID = context.requestID
        clientAddress = context.clientAddress
        maxUploadSize = context.maxUploadSize
    }

    /// The database access context of the signed-in user.
    var access: AccessContext {
        AccessContext(
            subject: identity.subject, role: identity.role.rawValue, organisations: identity.organisations, requestID: requestID,
            clientAddress: clientAddress)
    }

    /// A posted form whose CSRF token matches the browser's (else 403).
    func form(_ request: Request) async throws -> [String: String] {
        let form = try await SignInPages.form([String: String].self, request, maxUploadSize: maxUploadSize)
        guard WebSession.csrfMatches(form["csrf"] ?? "", request) else {
            throw Problem(.forbidden, "csrf", detail: "The form expired; please open it again.")
        }
        return form
    }
}

/// A page needs a signed-in user: 303 to the sign-in page, which brings the user back to the
/// page asked for (when it was asked for with GET).
struct SignInRequired: Error {
    static func response(to request: Request) -> Response {
        let asked = request.uri.string
        guard request.method == .get, asked != "/", SignInRequests.isLocalPath(asked) else {
            return Response(status: .seeOther, headers: [.location: "/sign-in"])
        }
        return Response(status: .seeOther, headers: [.location: "/sign-in?return_to=\(PercentEncoding.encoded(asked, keepingSlashes: true))"])
    }
}

/// The signed-in user's role must be allowed the page by `AccessPolicy`, the same matrix as
/// the API's, else 403.
struct PageAuthorizationMiddleware: RouterMiddleware {
    typealias Context = SignedInContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let roles = AccessPolicy.roles(method: request.method.rawValue, path: context.endpointPath ?? "")
        guard roles.contains(context.identity.role) else {
            throw Refusal.notPermitted("This page is for \(AccessPolicy.describe(roles)).")
        }
        return try await next(request, context)
    }
}
