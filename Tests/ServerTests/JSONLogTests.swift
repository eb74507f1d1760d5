import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import PostgresTestSupport
import Synchronization
import Testing

@testable import Server

/// `LOG_FORMAT=json` (issue 20): every line one JSON object a collector can parse, with one
/// request id — the one the caller sent or was answered — and not the framework's as well.
@Suite struct JSONLogTests {
    final class Lines: Sendable {
        let lines = Mutex<[[UInt8]]>([])
    }

    @Test func everyLineIsOneJSONObjectWithOneRequestID() async throws {
        let captured = Lines()
        var logger = Logger(label: "json") { label in JSONLogHandler(label: label) { line in captured.lines.withLock { $0.append(line) } } }
        logger.logLevel = .debug
        let app = try await buildApplication(configuration: Harness.configuration(database: Harness.unreachable), logger: logger, metrics: Harness.metrics)
        try await app.test(.router) { client in
            try await client.execute(uri: "/health/live", method: .get, headers: [HTTPField.Name("X-Request-Id")!: "trace-abc-123"]) { response in
                #expect(response.status == .ok)
            }
            try await client.execute(uri: "/api/v1/me", method: .get, headers: [.authorization: "Bearer not\u{22}a\ntoken"]) { response in
                #expect(response.status == .unauthorized)
            }
        }
        logger.info("a \"quoted\" word,\na second line\t\u{1}", metadata: ["path": "C:\\ward\u{7F}", "list": [.string("ä"), .string("\u{2028}")]])
        let lines = captured.lines.withLock { $0 }
        #expect(!lines.isEmpty)
        var requests: [[String: Any]] = []
        for line in lines {
            #expect(line.last == UInt8(ascii: "\n") && line.dropLast().allSatisfy { $0 != UInt8(ascii: "\n") }, "one line each")
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line)) as? [String: Any])
            #expect(object["time"] is String && object["level"] is String && object["message"] is String)
            #expect(object["hb.request.id"] == nil, "one request id, the service's")
            if let framework = object["hb.request.id"] as? String { #expect(framework == object["request_id"] as? String) }
            if object["message"] as? String == "request" { requests.append(object) }
        }
        let escaped = try #require(
            lines.compactMap { try? JSONSerialization.jsonObject(with: Data($0)) as? [String: Any] }.first {
                ($0["message"] as? String)?.hasPrefix("a ") == true
            })
        #expect(escaped["message"] as? String == "a \"quoted\" word,\na second line\t\u{1}")
        #expect(escaped["path"] as? String == "C:\\ward\u{7F}")
        #expect(escaped["list"] as? [String] == ["ä", "\u{2028}"])
        let live = try #require(requests.first { $0["route"] as? String == "/health/live" })
        #expect(live["request_id"] as? String == "trace-abc-123")
        #expect(live["status"] as? String == "200")
    }
}
