import Foundation
import Postgres
import PostgresTestSupport
import Testing

/// The `strokepath` binary, run as a person would.
@Suite struct CommandLineTests {
    /// Points the binary at a test database through libpq's variables.
    static func environment(_ database: TestDatabase) -> [String: String] {
        [
            "PGDATABASE": database.name, "PGUSER": "strokepath_app", "DATABASE_URL": "", "LOG_LEVEL": "warning",
            "STROKEPATH_SQL_DIR": TestPaths.projectRoot.appendingPathComponent("SQL").path,
        ]
    }

    @Test func everyCommandHasHelp() async throws {
        for command in [[], ["serve"], ["migrate"], ["seed"]] {
            let result = try await Subprocess.run(Subprocess.strokepath, command + ["--help"])
            #expect(result.status == 0)
            #expect(result.output.contains("USAGE: strokepath"))
        }
    }

    @Test func seedWithoutAChoiceIsAUsageError() async throws {
        let result = try await Subprocess.run(Subprocess.strokepath, ["seed"])
        #expect(result.status == 64)
        #expect(result.errors.contains("--demo"))
    }

    @Test func migrateThenSeedThenServeUntilSIGTERM() async throws {
        try await TestDatabase.with(migrated: false) { database in
            let environment = Self.environment(database)
            let refused = try await Subprocess.run(Subprocess.strokepath, ["serve", "--port", "0"], environment: environment)
            #expect(refused.status != 0)
            #expect(refused.errors.contains("schema is not current"))

            let migrated = try await Subprocess.run(Subprocess.strokepath, ["migrate"], environment: environment)
            #expect(migrated.status == 0, "\(migrated.errors)")
            #expect(migrated.output.contains("applied\t0001_foundation"))
            let status = try await Subprocess.run(Subprocess.strokepath, ["migrate", "--status"], environment: environment)
            #expect(status.output.contains("applied\t0001_foundation"))

            let seeded = try await Subprocess.run(Subprocess.strokepath, ["seed", "--demo"], environment: environment)
            #expect(seeded.status == 0, "\(seeded.errors)")
            #expect(seeded.output.contains("6 organisations"))
            #expect(seeded.output.range(of: #", [1-9][0-9]* recovery assessments"#, options: .regularExpression) != nil, "\(seeded.output)")
            let again = try await Subprocess.run(Subprocess.strokepath, ["seed", "--demo"], environment: environment)
            #expect(again.status == 0 && again.output.contains(", 0 recovery assessments"), "seeding again adds nothing: \(again.output)")
            #expect(seeded.output.contains("demo reports: 3000 synthetic episodes") && again.output.contains("demo reports: 0 synthetic episodes"))

            let port = try FreePort.take()
            let server = try Subprocess(Subprocess.strokepath, ["serve", "--port", "\(port)"], environment: environment)
            try server.start()
            var ready = false
            while !ready && server.process.isRunning {
                ready = (try? await Self.get("http://127.0.0.1:\(port)/health/ready")) == 200
                if !ready { try await Task.sleep(for: .milliseconds(50)) }
            }
            #expect(ready)
            kill(server.process.processIdentifier, SIGTERM)
            let ended = try await server.finish(timeout: .seconds(10))
            #expect(ended.status == 0, "\(ended.errors)")
        }
    }

    /// The status code of a GET, by a plain TCP client.
    static func get(_ url: String) async throws -> Int {
        guard let components = URLComponents(string: url), let port = components.port else { return 0 }
        let socket = Socket()
        try socket.connect(port: UInt16(port))
        try socket.send("GET \(components.path) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        let reply = socket.receiveAll()
        let statusLine = reply.split(separator: "\r\n").first ?? ""
        return statusLine.split(separator: " ").dropFirst().first.flatMap { Int($0) } ?? 0
    }
}

/// A minimal blocking loopback TCP client for readiness probes.
final class Socket {
    private let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)

    struct Failure: Error {}

    func connect(port: UInt16) throws {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard result == 0 else { throw Failure() }
        // An answer that does not come within a minute ends the read (a hang shows as no answer).
        var limit = timeval(tv_sec: 60, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
    }

    func send(_ text: String) throws {
        let bytes = Array(text.utf8)
        guard Glibc.send(descriptor, bytes, bytes.count, 0) == bytes.count else { throw Failure() }
    }

    func receiveAll() -> String {
        var data = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = recv(descriptor, &buffer, buffer.count, 0)
            if count <= 0 { break }
            data += buffer[0..<count]
        }
        return String(decoding: data, as: UTF8.self)
    }

    deinit { close(descriptor) }
}
