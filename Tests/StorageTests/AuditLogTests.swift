import Foundation
import Postgres
import PostgresTestSupport
import Seed
import Storage
import Testing

@Suite struct AuditLogTests {
    static func event(_ number: Int, patient: UUID = UUID()) -> AuditEvent {
        AuditEvent(
            actorSubject: "user-\(number)", actorRole: "clinician", actorOrganisation: DemoData.organisations[1].id,
            action: .read, patientID: patient, resourceType: "Patient", resourceID: patient.uuidString,
            purpose: "treatment", outcome: .success, requestID: "req-\(number)", clientAddress: "192.0.2.\(number)"
        )
    }

    /// A migrated database with `count` events recorded by the application role and sealed.
    static func withSealedLog(_ count: Int, _ body: (TestDatabase, PostgresPool, PostgresPool) async throws -> Void) async throws {
        try await TestDatabase.with { database in
            try await database.withPool(.app) { app in
                _ = try await DemoData.load(into: app)
                for number in 1...count {
                    try await app.withTransaction { connection in try await AuditLog.record(Self.event(number), on: connection) }
                }
                #expect(try await AuditLog.seal(app) == count)
                try await database.withPool(.owner) { owner in try await body(database, app, owner) }
            }
        }
    }

    @Test func sealedChainVerifiesAndReportsItsHead() async throws {
        try await Self.withSealedLog(5) { _, app, owner in
            try await app.withTransaction { connection in try await AuditLog.record(Self.event(6), on: connection) }
            let report = try await AuditLog.verify(owner)
            #expect(report.isIntact)
            #expect(report.checked == 5)
            #expect(report.unsealed == 1)
            #expect(try await AuditLog.unsealedRows(app) == 1, "the service itself may count what waits (for its metrics)")
            #expect(report.headPosition == 5)
            #expect(report.headHash?.count == 64)
            #expect(try await AuditLog.seal(app) == 1)
            #expect(try await AuditLog.unsealedRows(app) == 0)
            #expect(try await AuditLog.verify(owner).checked == 6)
        }
    }

    @Test func editedRowIsFoundAndNamed() async throws {
        try await Self.withSealedLog(5) { _, _, owner in
            try await owner.query("UPDATE audit_events SET purpose = 'curiosity' WHERE chain_position = 3")
            let report = try await AuditLog.verify(owner)
            #expect(report.firstBreak?.chainPosition == 3)
            #expect(report.firstBreak?.reason.contains("content changed") == true)
            #expect(report.checked == 2)
        }
    }

    /// The head kept outside the database (issue 20): a chain that still holds it passes, one
    /// whose newest rows were removed, or that was rebuilt from an edited row on, does not —
    /// though each is intact in itself.
    @Test func theHeadKeptOutsideFindsRemovedAndRebuiltRows() async throws {
        try await Self.withSealedLog(5) { database, app, owner in
            let head = try await AuditLog.verify(owner)
            let anchor = AuditLog.Anchor(position: head.headPosition, hash: try #require(head.headHash))
            try await app.withTransaction { connection in try await AuditLog.record(Self.event(6), on: connection) }
            #expect(try await AuditLog.seal(app) == 1)
            #expect(try await AuditLog.verify(owner, anchor: anchor).isIntact, "rows after the head are fine")

            try await database.withPool(.superuser) { admin in
                try await admin.query("DELETE FROM audit_events WHERE chain_position >= 5")
            }
            #expect(try await AuditLog.verify(owner).isIntact, "a shorter chain is intact in itself")
            let removed = try await AuditLog.verify(owner, anchor: anchor)
            #expect(removed.firstBreak?.reason.contains("its newest rows were removed") == true)

            let other = AuditLog.Anchor(position: 2, hash: String(repeating: "0", count: 64))
            #expect(try await AuditLog.verify(owner, anchor: other).firstBreak?.chainPosition == 2)
        }
    }

    @Test func deletedRowIsFound() async throws {
        try await Self.withSealedLog(5) { _, _, owner in
            try await owner.query("DELETE FROM audit_events WHERE chain_position = 2")
            let report = try await AuditLog.verify(owner)
            #expect(report.firstBreak?.chainPosition == 2)
            #expect(report.firstBreak?.seq == nil)
            #expect(report.firstBreak?.reason.contains("missing") == true)
        }
    }

    @Test func rowsRolledBackWithTheirAccessLeaveNoTrace() async throws {
        try await Self.withSealedLog(1) { _, app, owner in
            struct Refused: Error {}
            await #expect(throws: Refused.self) {
                try await app.withTransaction { connection in
                    try await AuditLog.record(Self.event(2), on: connection)
                    throw Refused()
                }
            }
            let sealed = try await AuditLog.seal(app)
            let checked = try await AuditLog.verify(owner).checked
            #expect(sealed == 0)
            #expect(checked == 1)
        }
    }

    @Test func applicationRoleMayOnlyAppend() async throws {
        try await Self.withSealedLog(2) { _, app, _ in
            for statement: PostgresQuery in [
                "SELECT count(*) FROM audit_events",
                "UPDATE audit_events SET purpose = 'x'",
                "DELETE FROM audit_events",
                "TRUNCATE audit_events",
            ] {
                let error = await #expect(throws: PostgresError.self) { try await app.query(statement) }
                #expect(error?.sqlState == SQLState.insufficientPrivilege)
            }
        }
    }
}
