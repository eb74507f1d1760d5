public import Hummingbird
import Logging
import NIOCore
import Storage

/// Per-request state: Hummingbird's core context, the request id, and the body limit.
public struct AppRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The id that ties logs, responses and problem reports of one request together.
    public var requestID: String
    /// Largest body a handler may collect.
    public var maxUploadSize: Int
    /// The authenticated user, on API routes.
    public var identity: Identity?
    /// The peer's IP address, for the audit log.
    public var clientAddress: String?

    public var requestDecoder: APIRequestDecoder { APIRequestDecoder() }
    public var responseEncoder: APIResponseEncoder { APIResponseEncoder() }

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        requestID = ""
        maxUploadSize = 1 << 20
        identity = nil
        clientAddress = source.channel.remoteAddress?.ipAddress
    }
}

extension AppRequestContext {
    /// The database access context of the authenticated caller.
    func accessContext() throws -> AccessContext {
        guard let identity else {
            throw Problem(.unauthorized, "unauthenticated", detail: "This operation needs a bearer token.")
        }
        return AccessContext(
            subject: identity.subject, role: identity.role.rawValue, organisations: identity.organisations,
            requestID: requestID, clientAddress: clientAddress
        )
    }
}
