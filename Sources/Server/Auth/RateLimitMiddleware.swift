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

/// Refused credentials per client address (review L1): a refused bearer token or sign-in takes a token of the address's bucket, and while an address has none its tokens
/// that are not already verified are answered 429 unverified, so a flood of bad tokens costs
/// no signature checks. A token verified before (cached) is never held up.
struct CredentialFailures: Sendable {
    let limiter: RateLimiter
    let verifier: TokenVerifier

    /// The identity `token` carries and until when: from the cache, else verified unless
    /// `address` has used up its failures (429); a refusal counts against the address.
    func verified(_ token: String, address: String?) async throws -> (identity: Identity, until: Date) {
        if let known = verifier.cached(token) { return known }
        let key = address ?? "unknown"
        guard limiter.hasToken(key) else { throw RateLimitMiddleware.tooMany(1 / limiter.perSecond) }
        do {
            return try await verifier.verified(token)
        } catch {
            _ = limiter.acquire(key)
            throw error
        }
    }
}
