import Foundation
import Postgres
import PostgresTestSupport
import Testing

@Suite struct RoundTripTests {
    struct Note: Codable, Equatable {
        var text: String
        var score: Int
    }

    static let injection = "'; DROP TABLE x; --"

    @Test func scalarsRoundTrip() async throws {
        try await TestDatabase.withPool(migrated: false, .app) { pool in
            func echo<Value: PostgresEncodable & PostgresDecodable & Equatable>(_ value: Value) async throws -> Value {
                try await pool.query("SELECT \(value)").single().decode(Value.self)
            }
            #expect(try await echo(Int16.min) == Int16.min)
            #expect(try await echo(Int32.max) == Int32.max)
            #expect(try await echo(Int64.min) == Int64.min)
            #expect(try await echo(Int64.max) == Int64.max)
            #expect(try await echo(Int.min) == Int.min)
            #expect(try await echo(-2.5e-300) == -2.5e-300)
            #expect(try await echo(Double.infinity) == .infinity)
            #expect(try await echo(true) == true)
            #expect(try await echo(false) == false)
            #expect(try await echo("") == "")
            #expect(try await echo("Škoda — 脳卒中 🧠") == "Škoda — 脳卒中 🧠")
            #expect(try await echo(Self.injection) == Self.injection)
            let id = UUID()
            #expect(try await echo(id) == id)
            let when = Date(timeIntervalSince1970: 1_790_000_000.123456)
            let back = try await echo(when)
            #expect(abs(back.timeIntervalSince(when)) < 1e-6)
            #expect(try await echo(Date.distantFuture) == .distantFuture)
            #expect(try await echo(Data()) == Data())
            #expect(try await echo(Data([0, 1, 255, 0])) == Data([0, 1, 255, 0]))
            #expect(try await echo(PostgresJSON(Note(text: "naïve \"quote\"", score: 3))).value == Note(text: "naïve \"quote\"", score: 3))
        }
    }

    @Test func nullsAndArraysRoundTrip() async throws {
        try await TestDatabase.withPool(migrated: false, .app) { pool in
            let none: String? = nil
            #expect(try await pool.query("SELECT \(none)").single().decode(String?.self, at: 0) == nil)
            #expect(try await pool.query("SELECT \(Optional("x"))").single().decode(String?.self, at: 0) == "x")
            #expect(try await pool.query("SELECT \([Int]())").single().decode([Int].self) == [])
            #expect(try await pool.query("SELECT \([1, -2, Int.max])").single().decode([Int].self) == [1, -2, Int.max])
            #expect(try await pool.query("SELECT \(["a", "", "ü"])").single().decode([String].self) == ["a", "", "ü"])
            let withNulls: [Double?] = [1.5, nil, -3]
            #expect(try await pool.query("SELECT \(withNulls)").single().decode([Double?].self) == withNulls)
            let ids = [UUID(), UUID()]
            #expect(try await pool.query("SELECT \(ids)").single().decode([UUID].self) == ids)
            let row = try await pool.query("SELECT NULL::int AS missing").single()
            #expect(try row.decode(Int?.self, column: "missing") == nil)
            #expect(throws: PostgresError.self) { try row.decode(Int.self, column: "missing") }
        }
    }

    @Test func injectionTextIsStoredLiterally() async throws {
        try await TestDatabase.withPool(migrated: false, .superuser) { pool in
            try await pool.query("CREATE TABLE x (value text)")
            try await pool.query("INSERT INTO x (value) VALUES (\(Self.injection))")
            let stored = try await pool.query("SELECT value FROM x").decode(String.self)
            #expect(stored == [Self.injection])
            let quoted = try await pool.query("SELECT count(*) FROM \(identifier: "x")").single().decode(Int.self)
            #expect(quoted == 1)
        }
    }

    @Test func typeMismatchNamesTheColumn() async throws {
        try await TestDatabase.withPool(migrated: false, .app) { pool in
            let row = try await pool.query("SELECT 42::int4 AS nihss").single()
            let error = #expect(throws: PostgresError.self) { try row.decode(String.self) }
            #expect(error?.code == .decoding)
            #expect(error?.column == "nihss")
            #expect(try row.decode(Int.self) == 42)
            #expect(try row.decode(Int32.self, column: "nihss") == 42)
            #expect(throws: PostgresError.self) { try row.decode(Int16.self, column: "nihss") }
        }
    }
}
