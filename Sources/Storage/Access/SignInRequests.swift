public import Foundation
public import Postgres

/// Sign-ins waiting for the OpenID provider's answer (migration 0022): each keeps its nonce
/// and PKCE verifier in PostgreSQL under the SHA-256 of its `state`, for ten minutes at most,
/// and is taken exactly once when the answer comes back, on whichever instance it reaches.
public struct SignInRequests: Sendable {
    /// What the answer is checked against and where the user goes afterwards.
    public struct Pending: Sendable, Equatable {
        /// Must come back as the ID token's `nonce`.
        public var nonce: String
        /// The PKCE verifier (RFC 7636) the code is redeemed with.
        public var codeVerifier: String
        /// The local page the user asked for before signing in.
        public var returnTo: String
    }

    /// How long a sign-in may take at the provider.
    public static let lifetime: TimeInterval = 600

    let pool: PostgresPool

    public init(pool: PostgresPool) {
        self.pool = pool
    }

    /// Starts a sign-in: a new random state, nonce, verifier and browser secret (256 bits
    /// each), kept until the answer or ten minutes. `returnTo` must be a local path (else "/").
    /// The browser keeps `browser` (a cookie) to show when the answer comes back.
    public func begin(returnTo: String) async throws -> (state: String, browser: String, pending: Pending) {
        let state = WebSessions.newID()
        let browser = WebSessions.newID()
        let pending = Pending(nonce: WebSessions.newID(), codeVerifier: WebSessions.newID(), returnTo: Self.isLocalPath(returnTo) ? returnTo : "/")
        try await pool.withTransaction { connection in
            try await connection.query("DELETE FROM sign_in_requests WHERE expires_at < now()")
            try await connection.query(
                """
                INSERT INTO sign_in_requests (state_hash, nonce, code_verifier, browser_hash, return_to, expires_at)
                VALUES (sha256(decode(\(state), 'hex')), \(pending.nonce), \(pending.codeVerifier), sha256(decode(\(browser), 'hex')),
                        \(pending.returnTo), now() + make_interval(secs => \(Self.lifetime)))
                """)
        }
        return (state, browser, pending)
    }

    /// Takes the sign-in `state` names, once: nil when it is unknown, already taken, expired,
    /// or was started by another browser than the one showing `browser` (taken all the same).
    public func finish(state: String, browser: String?) async throws -> Pending? {
        guard WebSessions.isWellFormed(state) else { return nil }
        let browser = browser.flatMap { WebSessions.isWellFormed($0) ? $0 : nil } ?? String(repeating: "0", count: 64)
        return try await pool.query(
            """
            DELETE FROM sign_in_requests WHERE state_hash = sha256(decode(\(state), 'hex'))
            RETURNING nonce, code_verifier, return_to, expires_at > now() AND browser_hash = sha256(decode(\(browser), 'hex'))
            """
        ).first.flatMap { row in
            let (nonce, verifier, returnTo, valid) = try row.decode((String, String, String, Bool).self)
            return valid ? Pending(nonce: nonce, codeVerifier: verifier, returnTo: returnTo) : nil
        }
    }

    /// A path on this service (not `//host`, no scheme, no backslash), as the table accepts.
    public static func isLocalPath(_ path: String) -> Bool {
        guard path.utf8.count <= 500, path.first == "/" else { return false }
        if path == "/" { return true }
        let allowed = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._~/?=&%-")
        return path.dropFirst().first != "/" && path.allSatisfy(allowed.contains)
    }
}
