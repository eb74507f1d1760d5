import Foundation
import HummingbirdTesting
import PostgresTestSupport
import Testing

@testable import Server

/// The service behind the nginx example (`ops/install.d/nginx.conf`, issue 20), as shipped but
/// for ports, certificate and upstream: TLS with a self-signed certificate the client trusts,
/// HSTS on every answer, plain HTTP sent to HTTPS, nginx's request id passed through.
@Suite struct ReverseProxyTests {
    static func run(_ program: String, _ arguments: [String]) async throws -> Subprocess.Result {
        try await Subprocess.run(URL(fileURLWithPath: program), arguments)
    }

    @Test(.timeLimit(.minutes(10))) func theNginxExampleServesTheServiceOverTLSWithHSTS() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("nginx-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let certificate = folder.appendingPathComponent("cert.pem").path
        let key = folder.appendingPathComponent("key.pem").path
        let made = try await Self.run(
            "/usr/bin/openssl",
            [
                "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                "-keyout", key, "-out", certificate,
            ])
        try #require(made.status == 0, "\(made.errors)")
        try await Harness.live(database: Harness.unreachable) { client in
            let service = try #require(client.port)
            let (plain, secure) = (try FreePort.take(), try FreePort.take())
            var example = try String(contentsOf: TestPaths.projectRoot.appendingPathComponent("ops/install.d/nginx.conf"), encoding: .utf8)
            for (shipped, here) in [
                ("    listen [::]:80;\n", ""), ("    listen [::]:443 ssl http2;\n", ""), ("listen 80;", "listen 127.0.0.1:\(plain);"),
                ("listen 443 ssl http2;", "listen 127.0.0.1:\(secure) ssl http2;"), ("/etc/ssl/certs/strokepath.example.org.pem", certificate),
                ("/etc/ssl/private/strokepath.example.org.key", key), ("http://127.0.0.1:8080", "http://127.0.0.1:\(service)"),
                // The test's own: nginx's request id beside the service's answer, to compare them.
                ("    add_header Strict-Transport-Security", "    add_header X-Nginx-Request-Id $request_id always;\n    add_header Strict-Transport-Security"),
            ] {
                #expect(example.contains(shipped), "the example still has \(shipped)")
                example = example.replacingOccurrences(of: shipped, with: here)
            }
            try example.write(to: folder.appendingPathComponent("strokepath.conf"), atomically: true, encoding: .utf8)
            let temporary = ["client_body", "proxy", "fastcgi", "uwsgi", "scgi"].map { "\($0)_temp_path \(folder.path)/\($0);" }.joined(separator: " ")
            try """
            daemon off; master_process off; pid \(folder.path)/nginx.pid; error_log \(folder.path)/error.log;
            events {}
            http { access_log off; \(temporary) include \(folder.path)/strokepath.conf; }
            """.write(to: folder.appendingPathComponent("nginx.conf"), atomically: true, encoding: .utf8)
            let nginx = try Subprocess(URL(fileURLWithPath: "/usr/sbin/nginx"), ["-p", folder.path, "-c", folder.appendingPathComponent("nginx.conf").path])
            try nginx.start()
            defer { kill(nginx.process.processIdentifier, SIGKILL) }

            let curl = ["-s", "--max-time", "10", "--cacert", certificate, "-D", "-", "-o", "/dev/null"]
            var headers = ""
            while !headers.hasPrefix("HTTP/2 200") {
                guard nginx.process.isRunning else {
                    Issue.record("nginx stopped: \(try await nginx.finish().errors)")
                    return
                }
                headers = try await Self.run("/usr/bin/curl", curl + ["https://127.0.0.1:\(secure)/health/live"]).output
                try await Task.sleep(for: .milliseconds(50))
            }
            let lower = headers.lowercased()
            #expect(lower.contains("strict-transport-security: max-age=63072000; includesubdomains"))
            let ids = ["x-request-id", "x-nginx-request-id"].map { name in
                lower.split(separator: "\r\n").first { $0.hasPrefix("\(name): ") }.map { $0.dropFirst(name.count + 2) }
            }
            #expect(ids[0] != nil && ids[0] == ids[1], "nginx's request id, kept by the service: \(ids)")
            #expect(lower.contains("content-security-policy: default-src 'none'"), "the service's own headers pass")
            for path in ["/metrics", "/metrics/", "//metrics", "/%6Detrics"] {
                let metrics = try await Self.run("/usr/bin/curl", curl + ["--path-as-is", "https://127.0.0.1:\(secure)\(path)"]).output
                #expect(metrics.hasPrefix("HTTP/2 404"), "the metrics are not served on the public side (\(path)): \(metrics)")
            }
            let redirect = try await Self.run("/usr/bin/curl", ["-s", "--max-time", "10", "-D", "-", "-o", "/dev/null", "http://127.0.0.1:\(plain)/sign-in"])
                .output
            #expect(redirect.hasPrefix("HTTP/1.1 301"))
            #expect(redirect.lowercased().contains("location: https://127.0.0.1/sign-in"))
        }
    }
}
