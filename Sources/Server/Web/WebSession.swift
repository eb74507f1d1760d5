import Crypto
import Foundation
import Hummingbird
import Storage

/// The browser's side of a web session: a `Secure`, `HttpOnly`, `SameSite=Strict` cookie
/// holding the session's opaque id (the session itself is in PostgreSQL, `WebSessions`), and
/// the CSRF token every form carries — derived from the session's id when signed in, so it is
/// bound to the session; on the sign-in form (no session yet) a random double-submit token
/// matched against a cookie.
enum WebSession {
    static let sessionCookie = "strokepath_session"
    static let csrfCookie = "strokepath_csrf"
    /// How long a session opened with a pasted token lasts at most; the token's own end comes
    /// first when sooner (one opened through the provider lasts `OpenIDSettings.sessionLifetime`).
    static let longest = WebSessions.longest

    /// The signed-in user of the session the cookie names, if it is known and not ended.
    static func identity(_ request: Request, sessions: WebSessions) async throws -> Identity? {
        guard let id = sessionID(request), let session = try await sessions.find(id), let role = Role(rawValue: session.role) else { return nil }
        return Identity(subject: session.subject, name: session.name, role: role, organisations: session.organisations)
    }

    /// The session id in the cookie, when it is one the service could have made.
    static func sessionID(_ request: Request) -> String? {
        guard let id = request.cookies[sessionCookie]?.value, WebSessions.isWellFormed(id) else { return nil }
        return id
    }

    /// The CSRF token forms carry: bound to the session; without one, the browser's
    /// double-submit token, or a new random one.
    static func csrfToken(_ request: Request) -> String {
        if let id = sessionID(request) { return bound(to: id) }
        if let existing = request.cookies[csrfCookie]?.value, existing.count == 64, existing.allSatisfy(\.isHexDigit) {
            return existing
        }
        return WebSessions.newID()
    }

    /// The form's token is the session's (or, without a session, the cookie's), compared in
    /// constant time.
    static func csrfMatches(_ submitted: String, _ request: Request) -> Bool {
        let expected: String
        if let id = sessionID(request) {
            expected = bound(to: id)
        } else {
            guard let cookie = request.cookies[csrfCookie]?.value, cookie.count == 64 else { return false }
            expected = cookie
        }
        guard submitted.utf8.count == expected.utf8.count else { return false }
        return zip(submitted.utf8, expected.utf8).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }

    /// The session's CSRF token: SHA-256 of its id (which it does not reveal), as hex.
    static func bound(to id: String) -> String {
        SHA256.hash(data: Data(("strokepath-csrf:" + id).utf8)).map { String(format: "%02x", $0) }.joined()
    }

    static func cookie(_ name: String, _ value: String, maxAge: Int?) -> Cookie {
        Cookie(name: name, value: value, maxAge: maxAge, path: "/", secure: true, httpOnly: true, sameSite: .strict)
    }
}
