import Foundation
import Hummingbird

/// The web session shared by every page: the signed-in identity from the session cookie, and
/// double-submit CSRF tokens (a random value in a cookie that each form must repeat).
enum WebSession {
    static let sessionCookie = "strokepath_session"
    static let csrfCookie = "strokepath_csrf"

    /// The signed-in user, if the session cookie holds a token the verifier accepts (nobody
    /// while the address has used up its refused credentials).
    static func identity(_ request: Request, failures: CredentialFailures, address: String?) async -> Identity? {
        guard let token = request.cookies[sessionCookie]?.value else { return nil }
        return try? await failures.identity(from: token, address: address)
    }

    /// The browser's CSRF token, or a new random one.
    static func csrfToken(_ request: Request) -> String {
        if let existing = request.cookies[csrfCookie]?.value, existing.count == 64, existing.allSatisfy(\.isHexDigit) {
            return existing
        }
        var generator = SystemRandomNumberGenerator()
        return (0..<4).map { _ in String(format: "%016llx", generator.next() as UInt64) }.joined()
    }

    /// The form's token equals the cookie's (compared in constant time).
    static func csrfMatches(_ submitted: String, _ request: Request) -> Bool {
        guard let cookie = request.cookies[csrfCookie]?.value, cookie.count == 64, submitted.utf8.count == cookie.utf8.count else {
            return false
        }
        return zip(submitted.utf8, cookie.utf8).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }

    static func cookie(_ name: String, _ value: String, maxAge: Int?) -> Cookie {
        Cookie(name: name, value: value, maxAge: maxAge, path: "/", secure: true, httpOnly: true, sameSite: .strict)
    }

}
