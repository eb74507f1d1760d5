import Foundation
import Testing

@testable import Postgres

@Suite struct PostgresQueryTests {
    @Test func interpolatedValuesBecomeParameters() {
        let name = "'; DROP TABLE patients; --"
        let query: PostgresQuery = "SELECT * FROM patients WHERE pseudonym = \(name) AND birth_year > \(1950)"
        #expect(query.sql == "SELECT * FROM patients WHERE pseudonym = $1 AND birth_year > $2")
        #expect(query.bindings.count == 2)
        #expect(query.bindings.types == [.text, .int8])
        #expect(!query.sql.contains("DROP"))
    }

    @Test func nilBecomesANullParameterOfItsType() {
        let missing: Int32? = nil
        let query: PostgresQuery = "SELECT \(missing)"
        #expect(query.bindings.types == [.int4])
        #expect(query.bindings.ranges == [nil])
    }

    @Test(arguments: [
        ("organisations", "\"organisations\""),
        ("we\"ird", "\"we\"\"ird\""),
        ("a\0b", "\"ab\""),
    ])
    func identifiersAreQuoted(raw: String, quoted: String) {
        let query: PostgresQuery = "SELECT * FROM \(identifier: raw)"
        #expect(query.sql == "SELECT * FROM \(quoted)")
        #expect(query.bindings.count == 0)
    }

    @Test func arraysUseTheBinaryArrayLayout() throws {
        var buffer: [UInt8] = []
        try [Int32(7), Int32(-1)].encode(into: &buffer)
        #expect(
            buffer == [
                0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 23,
                0, 0, 0, 2, 0, 0, 0, 1,
                0, 0, 0, 4, 0, 0, 0, 7,
                0, 0, 0, 4, 255, 255, 255, 255,
            ])
        let decoded = try [Int32](postgresBytes: buffer[...], type: .int4Array)
        #expect(decoded == [7, -1])
    }

    @Test func truncatedValuesAreRejectedNotRead() {
        #expect(throws: PostgresDecodingFailure.self) { try Int64(postgresBytes: [0, 1, 2][...], type: .int8) }
        #expect(throws: PostgresDecodingFailure.self) { try [Int32](postgresBytes: [0, 0, 0, 1, 0, 0][...], type: .int4Array) }
        #expect(throws: PostgresDecodingFailure.self) {
            try [Int32](postgresBytes: [0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 23, 0, 0, 0, 9, 0, 0, 0, 1][...], type: .int4Array)
        }
    }

    @Test func numericDecodesToDouble() throws {
        // 12345.678: 3 digits, weight 1, positive, scale 3 → 1 2345 6780
        let bytes: [UInt8] = [0, 3, 0, 1, 0, 0, 0, 3, 0x00, 0x01, 0x09, 0x29, 0x1A, 0x7C]
        #expect(abs(try Double(postgresBytes: bytes[...], type: .numeric) - 12345.678) < 1e-9)
    }
}

@Suite struct PostgresErrorTests {
    @Test func descriptionKeepsServerTextOut() {
        var error = PostgresError(code: .server)
        error.sqlState = SQLState.exclusionViolation
        error.constraint = "bookings_no_overlap"
        error.serverMessage = "conflicting key value violates exclusion constraint"
        error.serverDetail = "Key (patient)=(P-0042) conflicts with existing key"
        #expect(error.description.contains("23P01"))
        #expect(error.description.contains("bookings_no_overlap"))
        #expect(!error.description.contains("P-0042"))
        #expect(!error.description.contains("conflicting key"))
        #expect(error.debugDescription.contains("P-0042"))
    }

    @Test(arguments: ["08006", "08003", "57P01"])
    func connectionLossIsRecognised(sqlState: String) {
        var error = PostgresError(code: .server)
        error.sqlState = sqlState
        #expect(error.isConnectionLoss)
        #expect(!error.isTransactionRetryable)
    }

    @Test func retryPausesGrowAndStayBounded() {
        for attempt in 1...10 {
            let pause = PostgresPool.retryPause(attempt: attempt)
            #expect(pause >= .microseconds(2_500))
            #expect(pause <= .milliseconds(300))
        }
    }
}
