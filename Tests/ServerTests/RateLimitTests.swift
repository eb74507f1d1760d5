import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import PostgresTestSupport
import Synchronization
import Testing

@testable import Server

@Suite struct RateLimitTests {
    final class Clock: Sendable {
        let seconds = Mutex(100.0)
        func advance(_ by: Double) { seconds.withLock { $0 += by } }
        var now: Double { seconds.withLock { $0 } }
    }

    @Test func burstThenRefillPerKey() {
        let clock = Clock()
        let limiter = RateLimiter(perSecond: 2, burst: 3) { clock.now }
        #expect((0..<3).allSatisfy { _ in limiter.acquire("a") == nil })
        let wait = limiter.acquire("a")
        #expect(wait != nil && abs((wait ?? 0) - 0.5) < 1e-9)
        #expect(limiter.acquire("b") == nil)
        clock.advance(0.5)
        #expect(limiter.acquire("a") == nil)
        #expect(limiter.acquire("a") != nil)
    }

    @Test func overTheLimitIs429WithRetryAfter() async throws {
        let keyFile = FileManager.default.temporaryDirectory.appendingPathComponent("key-\(UUID().uuidString).pem")
        let token = try await DevelopmentKey.issueToken(
            for: Identity(subject: "busy", name: "Busy", role: .planner, organisations: []), lifetime: 300, keyFile: keyFile)
        var configuration = Harness.configuration(database: Harness.unreachable)
        configuration.authentication = .development(keyFile: keyFile)
        configuration.rateLimit = (perSecond: 0.1, burst: 2)
        let app = try await buildApplication(configuration: configuration, logger: TestDatabase.logger, metrics: Harness.metrics)
        try await app.test(.router) { client in
            var statuses: [HTTPResponse.Status] = []
            var retryAfter: String?
            for _ in 0..<3 {
                try await client.execute(uri: "/api/v1/me", method: .get, headers: [.authorization: "Bearer \(token)"]) { response in
                    statuses.append(response.status)
                    retryAfter = response.headers[.retryAfter]
                }
            }
            #expect(statuses == [.ok, .ok, .tooManyRequests])
            #expect(retryAfter.flatMap(Int.init) ?? 0 >= 1)
        }
    }
}
