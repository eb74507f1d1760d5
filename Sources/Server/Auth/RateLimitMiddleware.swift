import Foundation
import HTTPTypes
import Hummingbird

/// Limits each authenticated subject's request rate; over it, 429 problem+json with
/// `Retry-After` (whole seconds).
struct RateLimitMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    let limiter: RateLimiter

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let key = context.identity?.subject ?? context.clientAddress ?? "anonymous"
        if let wait = limiter.acquire(key) {
            var problem = Problem(.tooManyRequests, "rate-limited", detail: "Too many requests; try again shortly.")
            problem.headers[.retryAfter] = String(max(1, Int(wait.rounded(.up))))
            throw problem
        }
        return try await next(request, context)
    }
}
