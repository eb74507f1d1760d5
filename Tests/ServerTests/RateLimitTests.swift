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

    /// L1: refused tokens, refused sign-ins and the public status page are limited per client
    /// address, and pages per user; past the limit, 429 before any signature is checked.
    @Test func L1_refusedCredentialsPagesAndTheStatusPageAreLimited() async throws {
        let keyFile = FileManager.default.temporaryDirectory.appendingPathComponent("key-\(UUID().uuidString).pem")
        let token = try await DevelopmentKey.issueToken(
            for: Identity(subject: "reader", name: "Reader", role: .planner, organisations: []), lifetime: 300, keyFile: keyFile)
        try await TestDatabase.with { database in
            var configuration = Harness.configuration(database: database.app)
            configuration.authentication = .development(keyFile: keyFile)
            // Refills too slowly to matter during the test: the counts are exact on any machine.
            configuration.failureRateLimit = (perSecond: 0.001, burst: 3)
            configuration.rateLimit = (perSecond: 0.001, burst: 4)
            let app = try await buildApplication(configuration: configuration, logger: TestDatabase.logger, metrics: Harness.metrics)
            try await app.test(.live) { client in
                // Signed in first (the sign-in verifies the token, which is then known).
                let session = try await Harness.signIn(client, token: token)
                // The reader's token was verified before the flood: a verified token is never held up.
                var statuses: [HTTPResponse.Status] = []
                for _ in 0..<5 {
                    try await client.execute(uri: "/api/v1/me", method: .get, headers: [.authorization: "Bearer not.a.token"]) { statuses.append($0.status) }
                }
                #expect(statuses == [.unauthorized, .unauthorized, .unauthorized, .tooManyRequests, .tooManyRequests])
                // The same address's next sign-in with a token not verified before is refused unverified.
                let other = try await DevelopmentKey.issueToken(
                    for: Identity(subject: "other", name: "Other", role: .planner, organisations: []), lifetime: 300, keyFile: keyFile)
                let csrf = String(repeating: "a", count: 64)
                try await client.execute(
                    uri: "/sign-in", method: .post,
                    headers: [.contentType: "application/x-www-form-urlencoded", .cookie: "\(WebSession.csrfCookie)=\(csrf)"],
                    body: ByteBuffer(string: "token=\(other)&csrf=\(csrf)")
                ) { #expect($0.status == .tooManyRequests) }
                // A valid token's user has a budget of their own, shared by the API and the pages.
                var own: [HTTPResponse.Status] = []
                for path in ["/api/v1/me", "/account", "/api/v1/me", "/account", "/account"] {
                    try await client.execute(
                        uri: path, method: .get, headers: [.authorization: "Bearer \(token)", .cookie: session]
                    ) { own.append($0.status) }
                }
                #expect(own == [.ok, .ok, .ok, .ok, .tooManyRequests], "a budget of four: \(own)")
                var status: [HTTPResponse.Status] = []
                for _ in 0..<4 {
                    try await client.execute(uri: "/", method: .get) { status.append($0.status) }
                }
                #expect(status.last == .tooManyRequests && status.filter { $0 == .tooManyRequests }.count == 1, "\(status)")
            }
        }
    }

    /// Behind a trusted reverse proxy the client is the address its `X-Forwarded-For` names, so
    /// one client's refused tokens do not hold up another's; from anyone else the header is ignored.
    @Test func L1_theClientBehindATrustedProxyIsTheForwardedAddress() async throws {
        for trusted in [true, false] {
            var configuration = Harness.configuration(database: Harness.unreachable)
            configuration.failureRateLimit = (perSecond: 0.001, burst: 1)
            configuration.trustedProxies = trusted ? ["127.0.0.1"] : []
            let app = try await buildApplication(configuration: configuration, logger: TestDatabase.logger, metrics: Harness.metrics)
            try await app.test(.live) { client in
                var statuses: [HTTPResponse.Status] = []
                for forwarded in ["10.0.0.1", "10.0.0.1", "10.0.0.2"] {
                    try await client.execute(
                        uri: "/api/v1/me", method: .get, headers: [.authorization: "Bearer not.a.token", .xForwardedFor: forwarded]
                    ) { statuses.append($0.status) }
                }
                #expect(
                    statuses == (trusted ? [.unauthorized, .tooManyRequests, .unauthorized] : [.unauthorized, .tooManyRequests, .tooManyRequests]),
                    "trusted \(trusted): \(statuses)")
            }
        }
    }
}
