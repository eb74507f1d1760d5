public import Foundation
public import Postgres

/// Web sessions kept in PostgreSQL (review L5): the browser holds an opaque, random id (256
/// bits, 64 hex digits); the database keeps its SHA-256, who is signed in and until when.
/// Signing out deletes the row; an ended or unknown session is no session. Every service
/// instance shares them.
public struct WebSessions: Sendable {
    /// Who a session is for.
    public struct Session: Sendable, Equatable {
        public var subject: String
        public var name: String
        public var role: String
        public var organisations: [UUID]

        public init(subject: String, name: String, role: String, organisations: [UUID]) {
            self.subject = subject
            self.name = name
            self.role = role
            self.organisations = organisations
        }
    }

    let pool: PostgresPool

    public init(pool: PostgresPool) {
        self.pool = pool
    }

    /// Opens a session until `expires` and returns its id; ended sessions are cleared on the way.
    public func open(_ session: Session, until expires: Date) async throws -> String {
        let id = Self.newID()
        try await pool.withTransaction { connection in
            try await connection.query("DELETE FROM web_sessions WHERE expires_at < now()")
            try await connection.query(
                """
                INSERT INTO web_sessions (id_hash, subject, name, role, organisations, expires_at)
                VALUES (sha256(decode(\(id), 'hex')), \(session.subject), \(session.name), \(session.role), \(session.organisations), \(expires))
                """)
        }
        return id
    }

    /// The session `id` names, if it is well formed, known and not ended.
    public func find(_ id: String) async throws -> Session? {
        guard Self.isWellFormed(id) else { return nil }
        return try await pool.query(
            """
            SELECT subject, name, role, organisations FROM web_sessions
            WHERE id_hash = sha256(decode(\(id), 'hex')) AND expires_at > now()
            """, prepared: true
        ).first.map { row in
            let (subject, name, role, organisations) = try row.decode((String, String, String, [UUID]).self)
            return Session(subject: subject, name: name, role: role, organisations: organisations)
        }
    }

    /// Ends the session `id` names (nothing if there is none).
    public func close(_ id: String) async throws {
        guard Self.isWellFormed(id) else { return }
        try await pool.query("DELETE FROM web_sessions WHERE id_hash = sha256(decode(\(id), 'hex'))")
    }

    /// 64 lowercase hex digits: what `newID` makes.
    public static func isWellFormed(_ id: String) -> Bool {
        id.utf8.count == 64 && id.utf8.allSatisfy { (48...57).contains($0) || (97...102).contains($0) }
    }

    /// 256 random bits from the system's generator, as hex.
    static func newID() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<4).map { _ in String(format: "%016llx", generator.next() as UInt64) }.joined()
    }
}
