import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import PostgresTestSupport
import Testing

@testable import Server

/// A signed-in caller of the API.
struct APICaller: Sendable {
    let client: any TestClientProtocol
    let token: String

    /// Sends a request; returns the status, the content type and the body as JSON (object or array).
    @discardableResult
    func send(_ method: HTTPRequest.Method, _ path: String, _ body: Any? = nil) async throws -> (status: HTTPResponse.Status, type: String?, json: Any?) {
        let data = try body.map { try JSONSerialization.data(withJSONObject: $0) }
        return try await client.execute(
            uri: path, method: method, headers: [.authorization: "Bearer \(token)", .contentType: "application/json"],
            body: data.map { ByteBuffer(bytes: $0) }
        ) { response in
            (response.status, response.headers[.contentType], try? JSONSerialization.jsonObject(with: Data(response.text.utf8)))
        }
    }

    /// GETs the background work at `path` (a plan, a refresh) until its status is done or
    /// failed — its job has ended, whatever the machine's load — and answers it; throws on any
    /// answer but 200. A test that calls it has a time limit, for a job that never ends.
    func finished(_ path: String) async throws -> [String: Any] {
        while true {
            let answer = try await send(.get, path)
            try #require(answer.status == .ok, "\(path): \(answer)")
            let work = try #require(answer.json as? [String: Any], "\(path): \(answer)")
            if ["done", "failed"].contains(work["status"] as? String) { return work }
            try await Task.sleep(for: .milliseconds(100))
        }
    }
}

/// A signed-in user's pages over HTTP (the session cookie sent, forms posted with their CSRF
/// token); `Browser` is the one that clicks and types.
struct PageSession: Sendable {
    let client: any TestClientProtocol
    let session: String
    let port: Int

    /// GETs a page with the session cookie: its status, HTML and CSRF cookie.
    func get(_ path: String) async throws -> (status: HTTPResponse.Status, html: String, csrf: String?) {
        try await client.execute(uri: path, method: .get, headers: [.cookie: session]) { response in
            (response.status, response.text, SignInTests.cookie(WebSession.csrfCookie, in: response)?.value)
        }
    }

    /// POSTs a form with the CSRF token: status, HTML and where it redirects.
    func post(_ path: String, _ fields: [String: String], csrf: String) async throws -> (status: HTTPResponse.Status, html: String, location: String?) {
        var values = fields
        values["csrf"] = csrf
        return try await client.execute(
            uri: path, method: .post,
            headers: [
                .contentType: "application/x-www-form-urlencoded", .cookie: "\(session); \(WebSession.csrfCookie)=\(csrf)",
            ], body: SignInTests.form(values)
        ) { response in (response.status, response.text, response.headers[.location]) }
    }

    /// Loads the HTML in headless Chromium with the server's stylesheet; fails on console errors.
    func render(_ html: String) async throws -> String {
        let load = try await PageTests.load(try AcutePageTests.saved(html, port: port))
        #expect(load.consoleMessages.isEmpty, "console: \(load.consoleMessages)")
        return load.dom
    }
}

extension Harness {
    /// A development token for `role`, acting for `organisations` (the demo clinic by default).
    static func token(_ role: Role, subject: String, organisations: [UUID] = [DemoClinicFixture.clinic], keyFile: URL) async throws -> String {
        try await DevelopmentKey.issueToken(
            for: Identity(subject: subject, name: subject, role: role, organisations: organisations), lifetime: 900, keyFile: keyFile)
    }
}

extension Harness {
    /// Signs in through the sign-in form with `token`; returns the `Cookie` header of the session.
    static func signIn(_ client: any TestClientProtocol, token: String) async throws -> String {
        let csrf = String(repeating: "5", count: 64)
        return try await client.execute(
            uri: "/sign-in", method: .post,
            headers: [.contentType: "application/x-www-form-urlencoded", .cookie: "\(WebSession.csrfCookie)=\(csrf)"],
            body: SignInTests.form(["token": token, "csrf": csrf])
        ) { response in
            let session = try #require(SignInTests.cookie(WebSession.sessionCookie, in: response), "signed in: \(response.status)")
            return "\(WebSession.sessionCookie)=\(session.value)"
        }
    }
}
