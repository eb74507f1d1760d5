import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Postgres
import PostgresTestSupport
import Storage
import Testing

@testable import Server

/// The web sign-in: token in a Secure, HttpOnly, SameSite=Strict cookie; forms guarded by a
/// double-submit CSRF token.
@Suite struct SignInTests {
    /// `name=value` of a Set-Cookie header, and its attributes.
    static func cookie(_ name: String, in response: TestResponse) -> (value: String, attributes: String)? {
        let header = response.headers[values: .setCookie].first { $0.hasPrefix("\(name)=") }
        guard let header else { return nil }
        let value = header.dropFirst(name.count + 1).prefix { $0 != ";" }
        return (String(value), header)
    }

    static func form(_ fields: [String: String]) -> ByteBuffer {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        let body = fields.map { "\($0.key)=\($0.value.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")" }.joined(separator: "&")
        return ByteBuffer(string: body)
    }

    /// L5: the session is the service's (PostgreSQL), the browser holds an opaque id in a
    /// strict cookie, the forms' CSRF token is bound to the session, and signing out ends it:
    /// the old cookie opens nothing afterwards.
    @Test func L5_signInOpensAServerSessionAndSignOutEndsIt() async throws {
        let keyFile = FileManager.default.temporaryDirectory.appendingPathComponent("key-\(UUID().uuidString).pem")
        let token = try await DevelopmentKey.issueToken(
            for: Identity(subject: "dr-web", name: "Dr Web", role: .clinician, organisations: []), lifetime: 300, keyFile: keyFile)
        try await TestDatabase.with { database in
            try await Harness.live(database: database.app, keyFile: keyFile) { client in
                let csrf = try await client.execute(uri: "/sign-in", method: .get) { response in
                    #expect(response.status == .ok)
                    let cookie = try #require(Self.cookie(WebSession.csrfCookie, in: response))
                    for attribute in ["HttpOnly", "Secure", "SameSite=Strict"] { #expect(cookie.attributes.contains(attribute)) }
                    #expect(response.text.contains(#"name="csrf" value="\#(cookie.value)""#))
                    return cookie.value
                }
                let formHeaders: HTTPFields = [.contentType: "application/x-www-form-urlencoded", .cookie: "\(WebSession.csrfCookie)=\(csrf)"]

                try await client.execute(
                    uri: "/sign-in", method: .post, headers: formHeaders,
                    body: Self.form(["token": token, "csrf": String(repeating: "0", count: 64)])
                ) { response in
                    #expect(response.status == .forbidden)
                    #expect(Self.cookie(WebSession.sessionCookie, in: response) == nil)
                }
                try await client.execute(
                    uri: "/sign-in", method: .post, headers: formHeaders,
                    body: Self.form(["token": "not.a.token", "csrf": csrf])
                ) { response in
                    #expect(response.status == .unauthorized)
                    #expect(response.text.contains("The token was refused"))
                }
                let session = try await client.execute(
                    uri: "/sign-in", method: .post, headers: formHeaders,
                    body: Self.form(["token": token, "csrf": csrf])
                ) { response in
                    #expect(response.status == .seeOther)
                    #expect(response.headers[.location] == "/acute", "a clinician starts from the acute page")
                    let cookie = try #require(Self.cookie(WebSession.sessionCookie, in: response))
                    for attribute in ["HttpOnly", "Secure", "SameSite=Strict"] { #expect(cookie.attributes.contains(attribute)) }
                    return cookie.value
                }
                #expect(WebSessions.isWellFormed(session) && !session.contains(token.prefix(20)), "an opaque id, not the token")
                let stored = try await database.withPool(.superuser) {
                    try await $0.query("SELECT count(*) FROM web_sessions WHERE subject = 'dr-web'").single().decode(Int.self)
                }
                #expect(stored == 1)
                try await client.execute(uri: "/account", method: .get) { response in
                    #expect(response.status == .seeOther)
                    #expect(response.headers[.location] == "/sign-in?return_to=/account", "back to the page asked for, once signed in")
                }
                // The session's CSRF token is bound to it: the sign-in form's double-submit value no longer does.
                let cookies = "\(WebSession.sessionCookie)=\(session); \(WebSession.csrfCookie)=\(csrf)"
                let bound = try await client.execute(uri: "/account", method: .get, headers: [.cookie: cookies]) { response in
                    #expect(response.status == .ok)
                    #expect(response.text.contains("Dr Web"))
                    #expect(response.headers[.cacheControl] == "no-store")
                    return try #require(Self.cookie(WebSession.csrfCookie, in: response)).value
                }
                #expect(bound != csrf)
                let signOut: HTTPFields = [.contentType: "application/x-www-form-urlencoded", .cookie: cookies]
                try await client.execute(uri: "/sign-out", method: .post, headers: signOut, body: Self.form(["csrf": csrf])) { response in
                    #expect(response.status == .forbidden, "the cookie's own value is not the session's token")
                }
                try await client.execute(uri: "/sign-out", method: .post, headers: signOut, body: Self.form(["csrf": bound])) { response in
                    #expect(response.status == .seeOther)
                    let cleared = try #require(Self.cookie(WebSession.sessionCookie, in: response))
                    #expect(cleared.value.isEmpty)
                    #expect(cleared.attributes.contains("Max-Age=0"))
                }
                // Signed out is signed out: the old cookie, replayed, opens nothing.
                try await client.execute(uri: "/account", method: .get, headers: [.cookie: cookies]) { response in
                    #expect(response.status == .seeOther && response.headers[.location] == "/sign-in?return_to=/account")
                }
            }
        }
    }
}
