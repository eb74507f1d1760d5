import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import InMemoryTracing
import Prometheus
import Testing
import Tracing

@testable import Server

/// Each request is one server span, joined to the caller's trace, named by its route template:
/// no path, no query, no identifier of a patient reaches a trace.
@Suite struct TracingTests {
    @Test func aRequestIsOneSpanNamedByItsRouteWithoutItsPathOrQuery() async throws {
        let tracer = InMemoryTracer()
        let router = Router(context: AppRequestContext.self)
        router.add(
            middleware: RequestObservationMiddleware(
                statistics: RequestStatistics { 0 }, metrics: ServiceMetrics(registry: PrometheusCollectorRegistry(), version: "test"),
                tracer: tracer, maxBodyBytes: 1 << 20, trustedProxies: []))
        router.get("/api/v1/patients/{id}") { _, _ in "ok" }
        router.get("/broken") { _, _ -> String in throw CancellationError() }
        let patient = UUID().uuidString.lowercased()
        try await Application(router: router).test(.router) { client in
            try await client.execute(
                uri: "/api/v1/patients/\(patient)?pseudonym=19121212-1212", method: .get,
                headers: [HTTPField.Name("in-memory-trace-id")!: "caller-trace", HTTPField.Name("in-memory-span-id")!: "caller-span"]
            ) { #expect($0.status == .ok) }
            try await client.execute(uri: "/broken", method: .get) { #expect($0.status == .internalServerError) }
        }
        let spans = tracer.finishedSpans
        #expect(spans.map(\.operationName) == ["GET /api/v1/patients/{id}", "GET /broken"])
        let read = try #require(spans.first)
        #expect(read.kind == .server)
        #expect(read.traceID == "caller-trace", "joined to the caller's trace")
        #expect(read.attributes["http.route"]?.toSpanAttribute() == "/api/v1/patients/{id}")
        #expect(read.attributes["http.response.status_code"]?.toSpanAttribute() == 200)
        var everything = read.operationName
        // swift-format-ignore: ReplaceForEachWithForLoop
        read.attributes.forEach { key, value in everything += " \(key)=\(value)" }  // SpanAttributes is not a Sequence.
        #expect(!everything.contains(patient) && !everything.contains("1212"), "no identifier in the trace: \(everything)")
        #expect(spans.last?.status?.code == .error, "a server error marks its span")
    }
}
