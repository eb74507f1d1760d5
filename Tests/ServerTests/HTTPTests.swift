import Clinical
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Postgres
import PostgresTestSupport
import Testing

@testable import Server

@Suite struct HTTPTests {
    @Test func liveAndReadyWithTheDatabaseUp() async throws {
        try await TestDatabase.with { database in
            try await Harness.live(database: database.app) { client in
                try await client.execute(uri: "/health/live", method: .get) { response in
                    #expect(response.status == .ok)
                    #expect(response.json["status"] as? String == "live")
                }
                try await client.execute(uri: "/health/ready", method: .get) { response in
                    #expect(response.status == .ok)
                    #expect(response.headers[.contentType] == "application/json")
                    #expect(response.json["database"] as? String == "reachable")
                    #expect(response.json["replica"] as? String == "none" && response.json["spooledEvaluations"] as? String == "0")
                }
            }
        }
    }

    @Test func readyIs503WithAReasonWhenTheDatabaseIsDown() async throws {
        // A refused connection answers at once; the long timeout keeps a loaded machine (the
        // suite runs in parallel) from turning the reason into "no answer within 2 seconds".
        try await Harness.live(database: Harness.unreachable, readinessTimeout: .seconds(20)) { client in
            try await client.execute(uri: "/health/live", method: .get) { response in
                #expect(response.status == .ok)
            }
            try await client.execute(uri: "/health/ready", method: .get) { response in
                #expect(response.status == .serviceUnavailable)
                #expect(response.headers[.contentType] == "application/problem+json")
                #expect(response.json["type"] as? String == "urn:strokepath:problem:database-unavailable")
                #expect((response.json["detail"] as? String)?.contains("connection failed") == true)
                #expect((response.json["detail"] as? String)?.contains("Acute evaluations are still answered") == true, "says what it can still serve")
            }
        }
    }

    @Test func unknownRouteIsAProblemWithTheRequestID() async throws {
        try await Harness.live(database: Harness.unreachable) { client in
            try await client.execute(uri: "/no/such/page", method: .get) { response in
                #expect(response.status == .notFound)
                #expect(response.headers[.contentType] == "application/problem+json")
                let json = response.json
                #expect(json["type"] as? String == "urn:strokepath:problem:not-found")
                #expect(json["status"] as? Int == 404)
                let requestID = response.headers[HTTPField.Name("X-Request-Id")!]
                #expect(requestID != nil)
                #expect(json["requestId"] as? String == requestID)
            }
        }
    }

    @Test func oversizedBodyIsRefusedWith413() async throws {
        try await Harness.live(database: Harness.unreachable, maxBodyBytes: 1024) { client in
            let body = ByteBuffer(repeating: UInt8(ascii: "x"), count: 4096)
            try await client.execute(uri: "/health/live", method: .post, body: body) { response in
                #expect(response.status == .contentTooLarge)
                #expect(response.headers[.contentType] == "application/problem+json")
                #expect(response.json["type"] as? String == "urn:strokepath:problem:body-too-large")
            }
        }
    }

    @Test func L3_wellFormedRequestIDsAreKeptOthersReplaced() async throws {
        try await Harness.live(database: Harness.unreachable) { client in
            let name = HTTPField.Name("X-Request-Id")!
            try await client.execute(uri: "/health/live", method: .get, headers: [name: "abc-123-XY"]) { response in
                #expect(response.headers[name] == "abc-123-XY")
            }
            // L3: only [A-Za-z0-9-] with a letter; an id shaped like a personal identity number is replaced.
            for refused in ["19121212-1212", "121212-1212", "abc.def", "abc_def", String(repeating: "a", count: 65)] {
                try await client.execute(uri: "/health/live", method: .get, headers: [name: refused]) { response in
                    #expect(response.headers[name] != nil && response.headers[name] != refused, "\(refused)")
                }
            }
            try await client.execute(uri: "/health/live", method: .get, headers: [name: "bad id\u{7f}<script>"]) { response in
                #expect(response.headers[name] != nil)
                #expect(response.headers[name]?.contains("<") == false)
            }
        }
    }

    @Test func pagesCarrySecurityHeaders() async throws {
        try await Harness.live(database: Harness.unreachable) { client in
            try await client.execute(uri: "/", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "text/html; charset=utf-8")
                #expect(response.headers[HTTPField.Name("Content-Security-Policy")!]?.contains("default-src 'none'") == true)
                #expect(response.headers[HTTPField.Name("X-Frame-Options")!] == "DENY")
                #expect(response.text.contains("Unreachable"))
            }
        }
    }

    @Test func metricsCountRequestsByRouteTemplate() async throws {
        try await Harness.live(database: Harness.unreachable) { client in
            for _ in 0..<3 {
                try await client.execute(uri: "/health/live", method: .get) { _ in }
            }
            try await client.execute(uri: "/metrics", method: .get) { response in
                #expect(response.status == .ok)
                let line = response.text.split(separator: "\n").first {
                    $0.hasPrefix(#"strokepath_http_requests_total{method="GET",route="/health/live",status="200"}"#)
                }
                let count = line.flatMap { $0.split(separator: " ").last }.flatMap { Int($0) } ?? 0
                #expect(count >= 3)
            }
        }
    }

    /// The API operations served are exactly the document's paths; everything else served
    /// is on a short, deliberate list of public routes; every route under `/fhir` is one the
    /// CapabilityStatement lists, and back.
    @Test func everyOperationIsInTheOpenAPIDocumentAndBack() async throws {
        let document = try await Harness.live(database: Harness.unreachable) { client in
            try await client.execute(uri: "/openapi.yaml", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "application/yaml")
                return response.text
            }
        }
        #expect(document.hasPrefix("openapi: 3.1"))
        let documented = Set(
            document.split(separator: "\n").compactMap { line -> String? in
                guard line.hasPrefix("  /"), line.hasSuffix(":") else { return nil }
                return String(line.dropFirst(2).dropLast())
            })
        let pool = PostgresPool(settings: Harness.unreachable, logger: TestDatabase.logger)
        let configuration = Harness.configuration(database: Harness.unreachable)
        let features = try Features(configuration: configuration, pool: pool, logger: TestDatabase.logger)
        let router = try await buildRouter(
            configuration: configuration, pool: pool, features: features, metrics: ServiceMetrics(registry: Harness.metrics, version: "test"))
        let served = Set(router.routes.map { $0.path.description })
        #expect(documented == served.filter { $0.hasPrefix("/api/") })
        let publicRoutes: Set = [
            "/health/live", "/health/ready", "/metrics", "/openapi.yaml", "/static/app.css", "/", "/sign-in", "/account", "/sign-out", "/acute",
            "/acute/profiles", "/static/acute.js", "/acute/episodes", "/acute/episodes/{id}",
            "/rehab", "/rehab/sessions/{id}", "/rehab/waitlist/{id}/accept", "/rehab/plans/{id}", "/rehab/plans/{id}/publish",
            "/rehab/patients/{id}/week", "/rehab/patients/{id}/week.ics", "/rehab/day", "/rehab/plans", "/rehab/plans/{id}/discard",
            "/patients/{id}/recovery", "/patients/{id}/identity", "/reports", "/reports/download", "/audit/break-glass",
        ]
        #expect(served.filter { !$0.hasPrefix("/api/") && !$0.hasPrefix("/fhir/") } == publicRoutes)
        #expect(served.filter { $0.hasPrefix("/fhir/") } == Self.capabilityRoutes().union(["/fhir/R4/openapi.yaml"]))
        // The FHIR façade's description for fuzzing lists the same routes.
        let fhirDocument = try String(
            contentsOf: TestPaths.projectRoot.appendingPathComponent("Sources/Server/Resources/fhir-openapi.yaml"), encoding: .utf8)
        let fhirDocumented = Set(
            fhirDocument.split(separator: "\n").compactMap { line -> String? in
                guard line.hasPrefix("  /"), line.hasSuffix(":") else { return nil }
                return String(line.dropFirst(2).dropLast())
            })
        #expect(fhirDocumented == Self.capabilityRoutes())
    }

    /// The routes the FHIR CapabilityStatement says are served: `read` as `/Type/{id}`,
    /// `search-type` as `/Type`, an operation as `/Type/{id}/$name`, a transaction as the base,
    /// Bulk Data's export with the status and file addresses its specification defines, and the
    /// statement itself.
    static func capabilityRoutes() -> Set<String> {
        guard case .object(let statement) = FHIRCapability.statement(version: "test", base: "http://localhost/fhir/R4"),
            case .array(let rests)? = statement["rest"], case .object(let rest)? = rests.first, case .array(let resources)? = rest["resource"]
        else { return [] }
        var routes: Set<String> = ["/fhir/R4/metadata"]
        if case .array(let interactions)? = rest["interaction"], interactions.contains(.object(["code": .string("transaction")])) {
            routes.insert("/fhir/R4")
        }
        if case .array(let operations)? = rest["operation"],
            operations.contains(where: { operation in
                if case .object(let fields) = operation { fields["name"] == .string("export") } else { false }
            })
        {
            routes.formUnion(["/fhir/R4/$export", "/fhir/R4/$export-status/{job}", "/fhir/R4/$export-file/{job}/{file}"])
        }
        for case .object(let resource) in resources {
            guard case .string(let type)? = resource["type"] else { continue }
            if case .array(let interactions)? = resource["interaction"] {
                for case .object(let interaction) in interactions {
                    if interaction["code"] == .string("read") { routes.insert("/fhir/R4/\(type)/{id}") }
                    if interaction["code"] == .string("search-type") { routes.insert("/fhir/R4/\(type)") }
                }
            }
            if case .array(let operations)? = resource["operation"] {
                for case .object(let operation) in operations {
                    if case .string(let name)? = operation["name"] { routes.insert("/fhir/R4/\(type)/{id}/$\(name)") }
                }
            }
        }
        return routes
    }
}
