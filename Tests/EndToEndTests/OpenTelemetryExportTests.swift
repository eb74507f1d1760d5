import Foundation
import PostgresTestSupport
import Testing

/// A build with the OpenTelemetry trait (`swift build --traits OpenTelemetry`; ops/test builds
/// one after the suite and names it in `STROKEPATH_OTEL_BINARY`) sends each request's span over
/// OTLP/HTTP to the collector OpenTelemetry's variables name, by route template only. The
/// receiver is a plain HTTP listener that keeps what it is sent; the exporter is swift-otel's.
@Suite(.enabled(if: ProcessInfo.processInfo.environment["STROKEPATH_OTEL_BINARY"] != nil, "needs a build with the OpenTelemetry trait"))
struct OpenTelemetryExportTests {
    /// Keeps every POST body in `folder`, answers an empty OTLP success.
    static let receiver = """
        import http.server, os, sys, uuid
        folder = sys.argv[2]
        class Receiver(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                with open(os.path.join(folder, self.path.strip("/").replace("/", "-") + "-" + uuid.uuid4().hex), "wb") as file:
                    file.write(body)
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"{}")
            def log_message(self, *arguments):
                pass
        http.server.HTTPServer(("127.0.0.1", int(sys.argv[1])), Receiver).serve_forever()
        """

    @Test(.timeLimit(.minutes(10))) func eachRequestIsExportedAsASpanNamedByItsRoute() async throws {
        let binary = URL(fileURLWithPath: try #require(ProcessInfo.processInfo.environment["STROKEPATH_OTEL_BINARY"]))
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("otlp-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let (collector, service) = (try FreePort.take(), try FreePort.take())
        let receiver = try Subprocess(URL(fileURLWithPath: "/usr/bin/python3"), ["-c", Self.receiver, "\(collector)", folder.path])
        try receiver.start()
        defer { kill(receiver.process.processIdentifier, SIGKILL) }

        let server = try Subprocess(
            binary, ["serve", "--port", "\(service)"],
            environment: [
                "DATABASE_URL": "host=127.0.0.1 port=1 connect_timeout=1", "LOG_LEVEL": "warning",
                "STROKEPATH_SQL_DIR": TestPaths.projectRoot.appendingPathComponent("SQL").path,
                "STROKEPATH_PROTOCOLS_DIR": TestPaths.projectRoot.appendingPathComponent("Protocols").path,
                "OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:\(collector)", "OTEL_EXPORTER_OTLP_PROTOCOL": "http/json",
                "OTEL_BSP_SCHEDULE_DELAY": "100",
            ])
        try server.start()
        defer { kill(server.process.processIdentifier, SIGKILL) }
        while (try? await CommandLineTests.get("http://127.0.0.1:\(service)/health/live")) != 200 {
            try #require(server.process.isRunning, "the traced build serves")
            try await Task.sleep(for: .milliseconds(100))
        }
        let patient = UUID().uuidString.lowercased()
        _ = try await CommandLineTests.get("http://127.0.0.1:\(service)/api/v1/patients/\(patient)")

        var exported = ""
        while !exported.contains(#""name":"GET /api/v1/patients/{id}""#) {
            try #require(receiver.process.isRunning, "the receiver runs")
            let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasPrefix("v1-traces") }
            exported = try files.map { try String(contentsOf: folder.appendingPathComponent($0), encoding: .utf8) }.joined(separator: "\n")
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(exported.contains(#""name":"GET /health/live""#))
        #expect(exported.contains("\"strokepath\""), "the service's name: \(exported.prefix(400))")
        #expect(!exported.contains(patient), "no identifier leaves in a trace")
        kill(server.process.processIdentifier, SIGTERM)
        #expect(try await server.finish().status == 0, "it stops cleanly, the exporter with it")
    }
}
