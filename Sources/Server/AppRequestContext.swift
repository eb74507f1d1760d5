public import Hummingbird
import Logging

/// Per-request state: Hummingbird's core context, the request id, and the body limit.
public struct AppRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The id that ties logs, responses and problem reports of one request together.
    public var requestID: String
    /// Largest body a handler may collect.
    public var maxUploadSize: Int
    /// The authenticated user, on API routes.
    public var identity: Identity?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        requestID = ""
        maxUploadSize = 1 << 20
        identity = nil
    }
}
