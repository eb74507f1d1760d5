import Foundation
import HTTPTypes
import Hummingbird

/// Limits each subject's request rate (the client address's where nobody is signed in); over
/// it, 429 problem+json with `Retry-After` (whole seconds).
struct RateLimitMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    let limiter: RateLimiter

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let key = context.identity?.subject ?? context.clientAddress ?? "anonymous"
        if let wait = limiter.acquire(key) { throw Self.tooMany(wait) }
        return try await next(request, context)
    }

    /// The 429 problem for a wait of `seconds`.
    static func tooMany(_ seconds: Double) -> Problem {
        var problem = Problem(.tooManyRequests, "rate-limited", detail: "Too many requests; try again shortly.")
        problem.headers[.retryAfter] = String(max(1, Int(seconds.rounded(.up))))
        return problem
    }
}

/// Refused credentials per client address (review L1): a refused bearer token or sign-in takes
/// a token of the address's bucket, and an address without one is answered 429 before its
/// next token is even verified, so a flood of bad tokens costs no signature checks.
struct CredentialFailures: Sendable {
    let limiter: RateLimiter

    /// 429 if `address` has used up its failures.
    func check(_ address: String?) throws {
        guard limiter.hasToken(address ?? "unknown") else { throw RateLimitMiddleware.tooMany(1 / limiter.perSecond) }
    }

    /// Counts a failure of `address`.
    func record(_ address: String?) {
        _ = limiter.acquire(address ?? "unknown")
    }
}
