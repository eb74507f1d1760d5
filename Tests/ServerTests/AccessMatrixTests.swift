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
    /// The rows of a documented table (`operation` for the API, `page` for the pages):
    /// "METHOD /path" → roles marked yes.
    static func documentedMatrix(_ table: String = "operation") throws -> [String: Set<Role>] {
        let text = try String(contentsOf: TestPaths.projectRoot.appendingPathComponent("docs/access-matrix.md"), encoding: .utf8)
        let lines = text.split(separator: "\n").map { $0.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) } }
        guard let start = lines.firstIndex(where: { $0.first == table }) else { return [:] }
        let roles = lines[start].dropFirst().map { Role(rawValue: $0) }
        var matrix: [String: Set<Role>] = [:]
        let methods = ["GET ", "POST ", "PUT ", "PATCH ", "DELETE "]
        let rows = lines[(start + 1)...].prefix { $0.count > 1 }
        for cells in rows where methods.contains(where: { cells.first?.hasPrefix($0) == true }) {
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
        let pages = try Self.documentedMatrix("page")
        #expect(pages.count == AccessPolicy.pages.count && pages == AccessPolicy.pages)
    }

    /// Every role signed in to every page: allowed roles reach it (a form then wants its CSRF
    /// token), the others are refused by the policy; nobody signed in is sent to sign in.
    @Test func everyRoleAgainstEveryPage() async throws {
        let keyFile = FileManager.default.temporaryDirectory.appendingPathComponent("key-\(UUID().uuidString).pem")
        let organisation = UUID()
        var tokens: [Role: String] = [:]
        for role in Role.allCases {
            tokens[role] = try await DevelopmentKey.issueToken(
                for: Identity(subject: "pages-\(role.rawValue)", name: "P", role: role, organisations: [organisation]), lifetime: 300, keyFile: keyFile)
        }
        let tokensByRole = tokens
        try await TestDatabase.with { database in
            try await database.withPool(.superuser) { pool in
                let region = UUID()
                try await pool.query("INSERT INTO organisations (id, kind, code, name) VALUES (\(region), 'region', 'PAGES-REGION', 'Pages region')")
                try await pool.query(
                    "INSERT INTO organisations (id, kind, code, name, parent_id) VALUES (\(organisation), 'rehab_clinic', 'PAGES', 'Pages clinic', \(region))")
            }
            try await Harness.live(database: database.app, keyFile: keyFile, rateLimit: (1e6, 1_000_000)) { client in
                var sessions: [Role: String] = [:]
                // A hospital system's role opens no web session; every person's role does.
                let people = Role.allCases.filter { $0 != .integration }
                for role in people { sessions[role] = try await Harness.signIn(client, token: tokensByRole[role] ?? "") }
                let csrf = String(repeating: "5", count: 64)
                let system = try await client.execute(
                    uri: "/sign-in", method: .post,
                    headers: [.contentType: "application/x-www-form-urlencoded", .cookie: "\(WebSession.csrfCookie)=\(csrf)"],
                    body: ByteBuffer(string: "token=\(tokensByRole[.integration] ?? "")&csrf=\(csrf)")
                ) { ($0.status, $0.headers[values: .setCookie].joined()) }
                #expect(system.0 == .unauthorized && !system.1.contains(WebSession.sessionCookie), "integration signs in: \(system)")
                for (page, allowed) in AccessPolicy.pages {
                    let parts = page.split(separator: " ", maxSplits: 1)
                    let method = HTTPRequest.Method(String(parts[0])) ?? .get
                    let path = String(parts[1]).replacingOccurrences(of: #"\{[a-z]+\}"#, with: UUID().uuidString, options: .regularExpression)
                    for role in people {
                        let headers: HTTPFields = [
                            .cookie: "\(sessions[role] ?? ""); strokepath_csrf=\(String(repeating: "a", count: 64))",
                            .contentType: "application/x-www-form-urlencoded",
                        ]
                        let (status, body) = try await client.execute(uri: path, method: method, headers: headers, body: ByteBuffer(string: "csrf=forged")) {
                            ($0.status, String(buffer: $0.body))
                        }
                        #expect(status.code < 500, "\(role) on \(page): \(status)")
                        let refusedByPolicy = status == .forbidden && body.contains("urn:strokepath:problem:forbidden")
                        #expect(refusedByPolicy != allowed.contains(role), "\(role) on \(page): \(status) \(body.prefix(200))")
                        if method == .post && allowed.contains(role) {
                            #expect(body.contains("urn:strokepath:problem:csrf"), "\(role) on \(page) with a forged token: \(status)")
                        }
                    }
                    let anonymous = try await client.execute(uri: path, method: method) { ($0.status, $0.headers[.location]) }
                    // To the sign-in page, which returns to a page read (GET) once signed in.
                    let signIn = method == .get ? "/sign-in?return_to=\(path)" : "/sign-in"
                    #expect(anonymous.0 == .seeOther && anonymous.1 == signIn, "\(page) without a session: \(anonymous)")
                }
            }
        }
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
                    let path = String(parts[1]).replacingOccurrences(of: #"\{[a-z]+\}"#, with: UUID().uuidString, options: .regularExpression)
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
    /// is refused (403), never a 500, and nothing is answered; an auditor of it finds no
    /// patient (404, as for any patient outside their organisations).
    @Test func aTokenForAnUnknownOrganisationIsRefusedNotAnError() async throws {
        let keyFile = FileManager.default.temporaryDirectory.appendingPathComponent("key-\(UUID().uuidString).pem")
        let orphan = UUID()
        let clinician = try await DevelopmentKey.issueToken(
            for: Identity(subject: "matrix-orphan", name: "M", role: .clinician, organisations: [orphan]), lifetime: 300, keyFile: keyFile)
        let auditor = try await DevelopmentKey.issueToken(
            for: Identity(subject: "matrix-orphan-auditor", name: "M", role: .auditor, organisations: [orphan]), lifetime: 300, keyFile: keyFile)
        try await TestDatabase.with { database in
            try await Harness.live(database: database.app, keyFile: keyFile) { client in
                for (token, path, status) in [
                    (clinician, "/api/v1/patients/\(UUID().uuidString)", HTTPResponse.Status.forbidden),
                    (auditor, "/api/v1/patients/\(UUID().uuidString)/access-log", .notFound),
                ] {
                    let headers: HTTPFields = [.authorization: "Bearer \(token)", .accept: "application/json"]
                    try await client.execute(uri: path, method: .get, headers: headers) { response in
                        #expect(response.status == status, "\(path)")
                        #expect(response.headers[.contentType] == "application/problem+json")
                    }
                }
            }
        }
    }
}
