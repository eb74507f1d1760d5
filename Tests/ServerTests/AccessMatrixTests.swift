import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Postgres
import PostgresTestSupport
import Testing

@testable import Server

/// The matrix in docs/access-matrix.md is the policy, and the service obeys it.
@Suite struct AccessMatrixTests {
    /// The rows of the documented matrix: "METHOD /path" → roles marked yes.
    static func documentedMatrix() throws -> [String: Set<Role>] {
        let text = try String(contentsOf: TestPaths.projectRoot.appendingPathComponent("docs/access-matrix.md"), encoding: .utf8)
        let lines = text.split(separator: "\n").map { $0.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) } }
        guard let header = lines.first(where: { $0.first == "operation" }) else { return [:] }
        let roles = header.dropFirst().map { Role(rawValue: $0) }
        var matrix: [String: Set<Role>] = [:]
        let methods = ["GET ", "POST ", "PUT ", "PATCH ", "DELETE "]
        for cells in lines where methods.contains(where: { cells.first?.hasPrefix($0) == true }) {
            var allowed = Set<Role>()
            for (role, cell) in zip(roles, cells.dropFirst()) where cell == "yes" {
                if let role { allowed.insert(role) }
            }
            matrix[cells[0]] = allowed
        }
        return matrix
    }

    @Test func documentationAndCodeAreTheSamePolicy() throws {
        let documented = try Self.documentedMatrix()
        #expect(documented.count == AccessPolicy.matrix.count)
        #expect(documented == AccessPolicy.matrix)
    }

    @Test func everyRoleAgainstEveryOperation() async throws {
        let keyFile = FileManager.default.temporaryDirectory.appendingPathComponent("key-\(UUID().uuidString).pem")
        let organisation = UUID()
        var tokens: [Role: String] = [:]
        for role in Role.allCases {
            tokens[role] = try await DevelopmentKey.issueToken(
                for: Identity(subject: "matrix-\(role.rawValue)", name: "M", role: role, organisations: [organisation]),
                lifetime: 300, keyFile: keyFile)
        }
        let tokensByRole = tokens
        try await TestDatabase.with { database in
            try await database.withPool(.superuser) { pool in
                try await pool.query("INSERT INTO organisations (id, kind, code, name) VALUES (\(organisation), 'region', 'MATRIX', 'Matrix region')")
            }
            // Every role of one subject per role against every operation: more than the per-subject rate limit allows.
            try await Harness.live(database: database.app, keyFile: keyFile, rateLimit: (1e6, 1_000_000)) { client in
                for (operation, allowed) in AccessPolicy.matrix {
                    let parts = operation.split(separator: " ", maxSplits: 1)
                    let method = HTTPRequest.Method(String(parts[0])) ?? .get
                    let path = String(parts[1]).replacingOccurrences(of: "{id}", with: UUID().uuidString)
                    for role in Role.allCases {
                        var headers: HTTPFields = [.authorization: "Bearer \(tokensByRole[role] ?? "")", .contentType: "application/json"]
                        headers[.accept] = "application/json"
                        let status = try await client.execute(uri: path, method: method, headers: headers, body: ByteBuffer(string: "{}")) { $0.status }
                        #expect(status.code < 500, "\(role) on \(operation) with an empty body and an unknown id: \(status)")
                        if allowed.contains(role) {
                            #expect(status != .forbidden && status != .unauthorized, "\(role) should reach \(operation), got \(status)")
                        } else {
                            #expect(status == .forbidden, "\(role) must be refused \(operation), got \(status)")
                        }
                    }
                    let anonymous = try await client.execute(uri: path, method: method) { $0.status }
                    #expect(anonymous == .unauthorized, "\(operation) without a token gave \(anonymous)")
                }
            }
        }
    }

    /// A token naming an organisation the service does not have: a read that must be audited
    /// is refused (403), never a 500, and nothing is answered.
    @Test func aTokenForAnUnknownOrganisationIsRefusedNotAnError() async throws {
        let keyFile = FileManager.default.temporaryDirectory.appendingPathComponent("key-\(UUID().uuidString).pem")
        let token = try await DevelopmentKey.issueToken(
            for: Identity(subject: "matrix-orphan", name: "M", role: .auditor, organisations: [UUID()]), lifetime: 300, keyFile: keyFile)
        try await TestDatabase.with { database in
            try await Harness.live(database: database.app, keyFile: keyFile) { client in
                let headers: HTTPFields = [.authorization: "Bearer \(token)", .accept: "application/json"]
                try await client.execute(uri: "/api/v1/patients/\(UUID().uuidString)/access-log", method: .get, headers: headers) { response in
                    #expect(response.status == .forbidden)
                    #expect(response.headers[.contentType] == "application/problem+json")
                }
            }
        }
    }
}
