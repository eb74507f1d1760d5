public import Foundation
public import Postgres
import Synchronization

/// Web sessions kept in PostgreSQL (review L5): the browser holds an opaque, random id (256
/// bits, 64 hex digits); the database keeps its SHA-256, who is signed in and until when.
/// Signing out deletes the row; an ended or unknown session is no session. Every service
/// instance shares them.
///
/// Each instance remembers the sessions it found for a minute, so a page costs no query each
/// time, and keeps honouring them (until they end) while the database cannot be reached: the
/// acute page, whose evaluations are spooled in an outage, stays usable. A sign-out reaches
/// the other instances within that minute while the database answers.
public struct WebSessions: Sendable {
    /// Who a session is for.
    public struct Session: Sendable, Equatable {
        public var subject: String
        public var name: String
        public var role: String
        public var organisations: [UUID]
        /// The OpenID provider's session it belongs to (the ID token's `sid`), if any.
        public var providerSession: String?

        public init(subject: String, name: String, role: String, organisations: [UUID], providerSession: String? = nil) {
            self.subject = subject
            self.name = name
            self.role = role
            self.organisations = organisations
            self.providerSession = providerSession
        }
    }

    let pool: PostgresPool
    private let known = Known()

    /// How long a session found in the database is taken as is, without asking again.
    static let recheck: TimeInterval = 60

    public init(pool: PostgresPool) {
        self.pool = pool
    }

    /// Sessions found lately, with when they end and when they were found; and the ids closed
    /// here, never to be taken from the memory again.
    final class Known: Sendable {
        struct State {
            var found: [String: (session: Session, until: Date, found: Date)] = [:]
            var closed: [String: Date] = [:]
        }
        let state = Mutex(State())
    }

    /// Opens a session until `expires` and returns its id; ended sessions are cleared on the way.
    /// `idToken`: the provider's ID token it was opened with, handed back at sign-out.
    public func open(_ session: Session, until expires: Date, idToken: String? = nil) async throws -> String {
        let id = Self.newID()
        try await pool.withTransaction { connection in
            try await connection.query("DELETE FROM web_sessions WHERE expires_at < now()")
            try await connection.query(
                """
                INSERT INTO web_sessions (id_hash, subject, name, role, organisations, provider_session, provider_id_token, expires_at)
                VALUES (sha256(decode(\(id), 'hex')), \(session.subject), \(session.name), \(session.role), \(session.organisations),
                        \(session.providerSession), \(idToken), \(expires))
                """)
        }
        return id
    }

    /// The session `id` names, if it is well formed, known and not ended.
    public func find(_ id: String, now: Date = Date()) async throws -> Session? {
        guard Self.isWellFormed(id) else { return nil }
        let remembered = known.state.withLock { $0.closed[id] == nil ? $0.found[id] : nil }.flatMap { $0.until > now ? $0 : nil }
        if let remembered, now.timeIntervalSince(remembered.found) < Self.recheck { return remembered.session }
        let found: (Session, Date)?
        do {
            found = try await pool.query(
                """
                SELECT subject, name, role, organisations, provider_session, expires_at FROM web_sessions
                WHERE id_hash = sha256(decode(\(id), 'hex')) AND expires_at > now()
                """, prepared: true
            ).first.map { row in
                let (subject, name, role, organisations, providerSession, until) = try row.decode((String, String, String, [UUID], String?, Date).self)
                return (Session(subject: subject, name: name, role: role, organisations: organisations, providerSession: providerSession), until)
            }
        } catch let error as PostgresError where error.isConnectionLoss || error.code == .poolClosed {
            // The database is away (not merely busy): a session found before stands until it ends.
            guard let remembered else { throw error }
            return remembered.session
        }
        known.state.withLock { state in
            if state.found.count >= 10_000 { state.found = state.found.filter { $0.value.until > now } }
            if state.found.count >= 10_000 { state.found.removeAll() }
            guard state.closed[id] == nil else { return }
            state.found[id] = found.map { (session: $0.0, until: $0.1, found: now) }
        }
        return found?.0
    }

    /// Ends the session `id` names (nothing if there is none) and returns the provider's ID token
    /// it was opened with, if any. This instance forgets it first — so a sign-out holds here even
    /// while the database is away — and for two minutes will not take it back from a page
    /// request that read it a moment before.
    @discardableResult
    public func close(_ id: String, now: Date = Date()) async throws -> String? {
        guard Self.isWellFormed(id) else { return nil }
        known.state.withLock { state in if state.found.removeValue(forKey: id) != nil { Self.remember(closed: id, now, in: &state) } }
        let deleted = try await pool.query("DELETE FROM web_sessions WHERE id_hash = sha256(decode(\(id), 'hex')) RETURNING provider_id_token")
        guard let row = deleted.first else { return nil }
        known.state.withLock { Self.remember(closed: id, now, in: &$0) }
        return try row.decode(String?.self)
    }

    /// Ends the sessions the provider's back-channel sign-out names: those of its session
    /// `providerSession` and the user's sessions opened with a pasted token, or, when it names no
    /// session, every session of its user `subject`; returns how many ended. This instance
    /// forgets them; other instances, and a page request here that was reading one at that
    /// moment, within `recheck`.
    @discardableResult
    public func close(providerSession: String?, subject: String?, now: Date = Date()) async throws -> Int {
        guard providerSession != nil || subject != nil else { return 0 }
        // Forgotten here first, so that the sign-out holds on this instance even while the
        // database is away, and again after, for a page request that read one meanwhile.
        forget(providerSession: providerSession, subject: subject, now: now)
        let ended =
            if let providerSession {
                try await pool.query(
                    """
                    DELETE FROM web_sessions
                    WHERE provider_session = \(providerSession) OR (provider_session IS NULL AND subject = \(subject))
                    RETURNING 1
                    """
                ).count
            } else {
                try await pool.query("DELETE FROM web_sessions WHERE subject = \(subject) RETURNING 1").count
            }
        forget(providerSession: providerSession, subject: subject, now: now)
        return ended
    }

    /// Drops this instance's memory of the provider session's and the user's sessions (also of
    /// the user's other provider sessions: only a cache, the next page asks the database).
    private func forget(providerSession: String?, subject: String?, now: Date) {
        known.state.withLock { state in
            for (id, entry) in state.found
            where entry.session.subject == subject || (providerSession != nil && entry.session.providerSession == providerSession) {
                state.found[id] = nil
                Self.remember(closed: id, now, in: &state)
            }
        }
    }

    /// How long a closed id is kept from memory: longer than any page request reading it.
    static let closedFor: TimeInterval = 120

    private static func remember(closed id: String, _ now: Date, in state: inout Known.State) {
        state.closed = state.closed.filter { now.timeIntervalSince($0.value) < closedFor }
        if state.closed.count >= 10_000 {
            // Only a cache: clearing it costs queries, never a wrong answer.
            state.closed.removeAll()
            state.found.removeAll()
        }
        state.closed[id] = now
    }

    /// The longest a session opened with a pasted token lasts (its token's end comes first when sooner).
    public static let longest: TimeInterval = 8 * 3_600

    /// 64 lowercase hex digits: what `newID` makes.
    public static func isWellFormed(_ id: String) -> Bool {
        id.utf8.count == 64 && id.utf8.allSatisfy { (48...57).contains($0) || (97...102).contains($0) }
    }

    /// 256 random bits from the system's generator, as 64 hex digits (session ids, CSRF tokens).
    public static func newID() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<4).map { _ in String(format: "%016llx", generator.next() as UInt64) }.joined()
    }
}
