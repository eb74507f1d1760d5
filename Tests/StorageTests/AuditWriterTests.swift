import Foundation
import Postgres
import PostgresTestSupport
import Seed
import Storage
import Testing

@Suite struct AuditWriterTests {
    static func event(_ request: String, subject: String = "user", organisation: UUID? = DemoData.organisations[1].id) -> AuditEvent {
        AuditEvent(
            actorSubject: subject, actorRole: "clinician", actorOrganisation: organisation, action: .read,
            patientID: nil, resourceType: "Patient", purpose: "treatment", outcome: .denied,
            breakGlassReason: organisation == nil ? "unconscious, no relatives" : nil, requestID: request, clientAddress: nil
        )
    }

    /// The application's pool with the demo organisations, and the owner's pool to read the log.
    static func withWriter(_ body: (AuditWriter, PostgresPool) async throws -> Void) async throws {
        try await TestDatabase.with { database in
            try await database.withPool(.app) { app in
                _ = try await DemoData.load(into: app)
                try await database.withPool(.owner) { owner in try await body(AuditWriter(pool: app), owner) }
            }
        }
    }

    @Test func concurrentCallersAreRecordedOnceEachInSharedCommits() async throws {
        try await Self.withWriter { writer, owner in
            let callers = 200
            try await withThrowingTaskGroup(of: Void.self) { group in
                for caller in 0..<callers {
                    group.addTask {
                        let organisation = caller.isMultiple(of: 7) ? nil : DemoData.organisations[1].id
                        try await writer.record([Self.event("r\(caller)-a", organisation: organisation), Self.event("r\(caller)-b")])
                    }
                }
                try await group.waitForAll()
            }
            let (rows, requests, commits) = try await owner.query(
                """
                SELECT count(*), count(DISTINCT request_id), count(DISTINCT xmin::text) FROM audit_events
                """
            ).single().decode((Int, Int, Int).self)
            #expect(rows == 2 * callers)
            #expect(requests == 2 * callers)
            #expect(commits < callers / 4, "callers should share commits, got \(commits) for \(callers)")
            let breakGlass = try await owner.query(
                """
                SELECT count(*) FROM audit_events WHERE actor_organisation_id IS NULL AND break_glass_reason IS NOT NULL
                """
            ).single().decode(Int.self)
            #expect(breakGlass == (0..<callers).filter { $0.isMultiple(of: 7) }.count)
        }
    }

    @Test func noCallerReturnsWithoutItsRowsWhenSomeBatchesFail() async throws {
        try await Self.withWriter { writer, owner in
            let succeeded = try await withThrowingTaskGroup(of: String?.self) { group in
                for caller in 0..<60 {
                    group.addTask {
                        // An empty subject breaks the table's CHECK and fails the whole batch it lands in.
                        let subject = caller.isMultiple(of: 10) ? "" : "user"
                        do {
                            try await writer.record([Self.event("q\(caller)", subject: subject)])
                            return "q\(caller)"
                        } catch let error as PostgresError {
                            #expect(error.sqlState == SQLState.checkViolation)
                            return nil
                        }
                    }
                }
                return try await group.reduce(into: Set<String>()) { if let request = $1 { $0.insert(request) } }
            }
            let recorded = Set(try await owner.query("SELECT request_id FROM audit_events").map { try $0.decode(String.self, at: 0) })
            #expect(recorded == succeeded)
            #expect(!succeeded.contains("q0"))
        }
    }

    @Test func writerKeepsWorkingAfterAFailedBatch() async throws {
        try await Self.withWriter { writer, owner in
            await #expect(throws: PostgresError.self) { try await writer.record([Self.event("bad", subject: "")]) }
            try await writer.record([Self.event("good")])
            try await writer.record([])
            let recorded = try await owner.query("SELECT request_id FROM audit_events").map { try $0.decode(String.self, at: 0) }
            #expect(recorded == ["good"])
        }
    }
}
