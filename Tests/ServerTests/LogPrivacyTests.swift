import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import InMemoryLogging
import Logging
import PostgresTestSupport
import Seed
import Storage
import Testing

@testable import Server

/// Patient data never reaches the logs: a Swedish personal identity number put (wrongly) into
/// a pseudonym and a break-glass reason, and a patient's identity (name, number, address), must
/// not appear in any log line, at any level.
@Suite struct LogPrivacyTests {

    @Test func patientDataStaysOutOfLogsAtEveryLevel() async throws {
        let handler = InMemoryLogHandler()
        var logger = Logger(label: "privacy") { _ in handler }
        logger.logLevel = .trace
        let keyFile = FileManager.default.temporaryDirectory.appendingPathComponent("key-\(UUID().uuidString).pem")
        let north = DemoData.organisations[1].id
        let south = DemoData.organisations[2].id
        let northToken = try await DevelopmentKey.issueToken(
            for: Identity(subject: "dr-n", name: "N", role: .clinician, organisations: [north]), lifetime: 300, keyFile: keyFile)
        let southToken = try await DevelopmentKey.issueToken(
            for: Identity(subject: "dr-s", name: "S", role: .clinician, organisations: [south]), lifetime: 300, keyFile: keyFile)
        try await TestDatabase.with { database in
            try await database.withPool(.app) { pool in _ = try await DemoData.load(into: pool) }
            var configuration = Harness.configuration(database: database.app)
            configuration.authentication = .development(keyFile: keyFile)
            let app = try await buildApplication(configuration: configuration, logger: logger, metrics: Harness.metrics)
            try await app.test(.live) { client in
                let id = try await client.execute(
                    uri: "/api/v1/patients", method: .post,
                    headers: [.authorization: "Bearer \(northToken)", .contentType: "application/json"],
                    body: ByteBuffer(string: #"{"organisationId":"\#(north)","pseudonym":"19121212-1212"}"#)
                ) { response in
                    #expect(response.status == .created)
                    return try JSONDecoder.iso.decode(Patient.self, from: Data(response.text.utf8)).id
                }
                try await client.execute(uri: "/api/v1/patients/\(id)", method: .get, headers: [.authorization: "Bearer \(southToken)"]) { _ in }
                try await client.execute(
                    uri: "/api/v1/patients/\(id)/break-glass", method: .post,
                    headers: [.authorization: "Bearer \(southToken)", .contentType: "application/json"],
                    body: ByteBuffer(string: #"{"reason":"Patient 191212121212 found unconscious"}"#)
                ) { _ in }
                try await client.execute(uri: "/api/v1/patients", method: .get, headers: [.authorization: "Bearer \(northToken)"]) { _ in }
                // A duplicate registration makes the database quote the key in its DETAIL.
                try await client.execute(
                    uri: "/api/v1/patients", method: .post,
                    headers: [.authorization: "Bearer \(northToken)", .contentType: "application/json"],
                    body: ByteBuffer(string: #"{"organisationId":"\#(north)","pseudonym":"19121212-1212"}"#)
                ) { response in #expect(response.status == .conflict) }
                // The patient's identity: stored, read, refused to another organisation, and refused when malformed.
                for (token, body, status) in [
                    (northToken, #"{"displayName":"Tolvan Tolvansson","personalNumber":"19121212-1212","email":"tolvan@example.se"}"#, HTTPResponse.Status.ok),
                    (northToken, #"{"displayName":"Tolvan Tolvansson","personalNumber":"19121212-1213"}"#, .unprocessableContent),
                    (northToken, #"{"displayName":"Tolvan Tolvansson","email":"Tolvansson at home"}"#, .unprocessableContent),
                    (southToken, #"{"displayName":"Tolvan Tolvansson"}"#, .notFound),
                ] {
                    try await client.execute(
                        uri: "/api/v1/patients/\(id)/identity", method: .put, headers: [.authorization: "Bearer \(token)", .contentType: "application/json"],
                        body: ByteBuffer(string: body)
                    ) { response in #expect(response.status == status, "\(body)") }
                }
                try await client.execute(uri: "/api/v1/patients/\(id)/identity", method: .get, headers: [.authorization: "Bearer \(northToken)"]) {
                    #expect($0.text.contains("Tolvan Tolvansson"))
                }
            }
        }
        // Request ids are random hex and may hold digit runs; they are not patient data.
        let lines = handler.entries.map { entry in
            "\(entry.message) "
                + entry.metadata.filter { !$0.key.hasSuffix("request_id") && !$0.key.hasSuffix("request.id") }
                .map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        }
        #expect(lines.count > 5)
        // A personnummer: YYMMDD-NNNN or YYYYMMDDNNNN, with or without the separator.
        let personnummer = /\b(19|20)?\d{6}[-+]?\d{4}\b/
        let leaks = lines.filter { $0.contains(personnummer) || $0.contains("1212-1212") || $0.contains("Tolvansson") || $0.contains("tolvan@") }
        #expect(leaks.isEmpty, "patient data in logs: \(leaks)")
    }
}
