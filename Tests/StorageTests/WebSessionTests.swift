import Foundation
import Postgres
import PostgresTestSupport
import Testing

@testable import Storage

/// Web sessions in PostgreSQL (review L5): found by their id only while they last, gone at
/// sign-out, and — found once — still honoured while the database cannot be reached, so the
/// acute page keeps working in an outage.
@Suite struct WebSessionTests {
    static let someone = WebSessions.Session(subject: "dr-session", name: "Dr Session", role: "clinician", organisations: [UUID()])

    @Test func aSessionLastsUntilItEndsOrIsClosed() async throws {
        try await TestDatabase.with { database in
            try await database.withPool(.app) { pool in
                let sessions = WebSessions(pool: pool)
                let id = try await sessions.open(Self.someone, until: Date().addingTimeInterval(3_600))
                #expect(WebSessions.isWellFormed(id))
                #expect(try await sessions.find(id) == Self.someone)
                #expect(try await sessions.find(WebSessions.newID()) == nil)
                #expect(try await sessions.find("not-a-session") == nil)
                try await sessions.close(id)
                #expect(try await sessions.find(id) == nil)
                let stored = try await database.withPool(.superuser) {
                    try await $0.query("SELECT count(*) FROM web_sessions WHERE subject = 'dr-session'").single().decode(Int.self)
                }
                #expect(stored == 0, "closed is gone")
            }
        }
    }

    @Test func K_aSessionFoundOnceOutlivesADatabaseOutage() async throws {
        try await TestDatabase.with { database in
            try await database.withPool(.app) { pool in
                let sessions = WebSessions(pool: pool)
                let id = try await sessions.open(Self.someone, until: Date().addingTimeInterval(3_600))
                #expect(try await sessions.find(id) == Self.someone)
                await pool.close()
                // Past the minute it would ask again; the database is away, so the session found stands.
                #expect(try await sessions.find(id, now: Date().addingTimeInterval(120)) == Self.someone)
                // Past its end it does not, and a session never found is not taken on trust: the outage is reported.
                await #expect(throws: PostgresError.self) { try await sessions.find(id, now: Date().addingTimeInterval(7_200)) }
                await #expect(throws: PostgresError.self) { try await sessions.find(WebSessions.newID()) }
            }
        }
    }

    /// A sign-out while the database is away still ends the session on this instance.
    @Test func K_aSignOutInAnOutageHoldsHere() async throws {
        try await TestDatabase.with { database in
            try await database.withPool(.app) { pool in
                let sessions = WebSessions(pool: pool)
                let id = try await sessions.open(Self.someone, until: Date().addingTimeInterval(3_600))
                #expect(try await sessions.find(id) == Self.someone)
                await pool.close()
                await #expect(throws: PostgresError.self) { try await sessions.close(id) }
                await #expect(throws: PostgresError.self, "not taken from memory any more") { try await sessions.find(id) }
            }
        }
    }
}
