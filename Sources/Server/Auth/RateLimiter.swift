import Synchronization

/// A token bucket per key (a token's subject, or a client address): `burst` requests at once, refilled at
/// `perSecond`. Buckets idle long enough to be full again are forgotten, so memory stays
/// bounded by the callers of the last minute or so.
final class RateLimiter: Sendable {
    struct Bucket {
        var tokens: Double
        var updated: Double
    }

    let perSecond: Double
    private let burst: Double
    private let now: @Sendable () -> Double
    private let buckets = Mutex<[String: Bucket]>([:])

    /// - Parameters:
    ///   - perSecond: sustained requests per second per key.
    ///   - burst: requests allowed at once.
    ///   - now: seconds on a monotonic clock (tests pass their own).
    init(perSecond: Double, burst: Int, now: @escaping @Sendable () -> Double) {
        self.perSecond = max(perSecond, 0.001)
        self.burst = Double(max(burst, 1))
        self.now = now
    }

    /// Takes one request's token for `key`: nil if allowed, else the seconds until one is free.
    func acquire(_ key: String) -> Double? {
        let time = now()
        return buckets.withLock { buckets in
            if buckets.count > 10_000 { forgetFull(&buckets, at: time) }
            var bucket = buckets[key] ?? Bucket(tokens: burst, updated: time)
            bucket.tokens = min(burst, bucket.tokens + (time - bucket.updated) * perSecond)
            bucket.updated = time
            defer { buckets[key] = bucket }
            guard bucket.tokens >= 1 else { return (1 - bucket.tokens) / perSecond }
            bucket.tokens -= 1
            return nil
        }
    }

    /// Whether `key` has a token now (nothing is taken): a check before costly work that only
    /// a failure pays for.
    func hasToken(_ key: String) -> Bool {
        let time = now()
        return buckets.withLock { buckets in
            guard let bucket = buckets[key] else { return true }
            return bucket.tokens + (time - bucket.updated) * perSecond >= 1
        }
    }

    private func forgetFull(_ buckets: inout [String: Bucket], at time: Double) {
        buckets = buckets.filter { _, bucket in bucket.tokens + (time - bucket.updated) * perSecond < burst }
    }
}
