import Foundation
import Postgres
import PostgresTestSupport
import Storage
import Testing

/// Sign-ins waiting for the OpenID provider (migration 0022): taken once, never after they
/// expire, only back to a local page; and the provider's back-channel sign-out ends exactly
/// the sessions of its provider session.
@Suite struct SignInRequestsTests {
    @Test func aSignInIsTakenOnceAndOnlyBeforeItExpires() async throws {
        try await TestDatabase.with { database in
            try await database.withPool(.app) { pool in
                let requests = SignInRequests(pool: pool)
                let (state, browser, pending) = try await requests.begin(returnTo: "/rehab?week=2026-12-07")
                #expect(pending.returnTo == "/rehab?week=2026-12-07")
                #expect(pending.nonce != pending.codeVerifier)
                #expect(try await requests.finish(state: state, browser: browser) == pending)
                #expect(try await requests.finish(state: state, browser: browser) == nil, "one use")
                #expect(try await requests.finish(state: "not-a-state", browser: browser) == nil)

                let (other, _, elsewhere) = try await requests.begin(returnTo: "//evil.example/")
                #expect(elsewhere.returnTo == "/", "only a local page")
                #expect(try await requests.finish(state: other, browser: WebSessions.newID()) == nil, "another browser's answer")
                let (third, _, _) = try await requests.begin(returnTo: "/")
                #expect(try await requests.finish(state: third, browser: nil) == nil, "an answer with no browser secret")

                let (late, lateBrowser, _) = try await requests.begin(returnTo: "/")
                try await database.withPool(.superuser) { admin in
                    try await admin.query("UPDATE sign_in_requests SET created_at = now() - interval '11 minutes', expires_at = now() - interval '1 minute'")
                }
                #expect(try await requests.finish(state: late, browser: lateBrowser) == nil, "expired")
            }
        }
    }

    @Test func onlyLocalPagesAreDestinations() {
        for good in ["/", "/acute", "/rehab?week=2026-12-07&resource=GYM1"] { #expect(SignInRequests.isLocalPath(good), "\(good)") }
        for bad in ["", "//evil.example", "https://evil.example/", "/\\evil", "acute", "/a b", "/<script>"] {
            #expect(!SignInRequests.isLocalPath(bad), "\(bad)")
        }
    }

    @Test func theProvidersSignOutEndsItsSessionsOnly() async throws {
        try await TestDatabase.with { database in
            try await database.withPool(.app) { pool in
                let sessions = WebSessions(pool: pool)
                let until = Date().addingTimeInterval(600)
                let first = try await sessions.open(
                    .init(subject: "anna", name: "Anna", role: "clinician", organisations: [], providerSession: "sid-1"), until: until)
                let second = try await sessions.open(
                    .init(subject: "anna", name: "Anna", role: "clinician", organisations: [], providerSession: "sid-2"), until: until)
                let pasted = try await sessions.open(.init(subject: "bo", name: "Bo", role: "planner", organisations: []), until: until)
                let annasPasted = try await sessions.open(.init(subject: "anna", name: "Anna", role: "clinician", organisations: []), until: until)
                #expect(try await sessions.find(first)?.providerSession == "sid-1")
                #expect(try await sessions.close(providerSession: "sid-1", subject: "anna") == 2)
                #expect(try await sessions.find(first) == nil, "ended here at once, though this instance had it in memory")
                #expect(try await sessions.find(annasPasted) == nil, "and the user's sessions opened with a pasted token")
                #expect(try await sessions.find(second) != nil, "not the user's other provider session")
                #expect(try await sessions.close(providerSession: nil, subject: "bo") == 1)
                #expect(try await sessions.find(pasted) == nil)
                #expect(try await sessions.close(providerSession: nil, subject: nil) == 0)
            }
        }
    }
}
