import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import Storage

/// The service's requests to the identity provider: small JSON documents over HTTP(S), each
/// answered whole within ten seconds, redirects not followed (the documents' addresses are
/// the provider's own).
enum ProviderHTTP {
    /// The longest a provider's answer may be.
    static let largest = 1 << 20
    static let timeout = Duration.seconds(10)

    /// One client for the process, never shut down; it follows no redirects.
    private static let client = HTTPClient(
        eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: HTTPClient.Configuration(redirectConfiguration: .disallow))

    /// What the provider answered problem-free (status 200), or why not.
    static func get(_ url: URL) async throws -> Data {
        try await send(HTTPClientRequest(url: url.absoluteString), to: url)
    }

    /// Posts a form (`application/x-www-form-urlencoded`) with HTTP Basic client authentication.
    static func post(_ url: URL, form: [(String, String)], user: String, password: String) async throws -> Data {
        var request = HTTPClientRequest(url: url.absoluteString)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        request.headers.add(name: "Accept", value: "application/json")
        // RFC 6749 §2.3.1: the client id and secret are form-encoded before Basic.
        let credentials = "\(PercentEncoding.encoded(user)):\(PercentEncoding.encoded(password))"
        request.headers.add(name: "Authorization", value: "Basic \(Data(credentials.utf8).base64EncodedString())")
        request.body = .bytes(ByteBuffer(string: PercentEncoding.form(form)))
        return try await send(request, to: url)
    }

    private static func send(_ request: HTTPClientRequest, to url: URL) async throws -> Data {
        let answer: (status: HTTPResponseStatus, body: ByteBuffer)
        do {
            answer = try await withDeadline(timeout) {
                let response = try await client.execute(request, timeout: .seconds(timeout.components.seconds))
                return (response.status, try await response.body.collect(upTo: largest))
            }
        } catch is DeadlineExceeded {
            throw ProviderError(message: "\(url.absoluteString) did not answer within \(timeout)")
        } catch let error as NIOTooManyBytesError {
            throw ProviderError(message: "\(url.absoluteString) answered more than \(largest) bytes (\(error))")
        } catch {
            throw ProviderError(message: "\(url.absoluteString) did not answer: \(error)")
        }
        guard answer.status == .ok else {
            throw ProviderError(message: "\(url.absoluteString) answered \(answer.status.code): \(String(buffer: answer.body).prefix(300))")
        }
        return Data(answer.body.readableBytesView)
    }
}

/// The identity provider could not be asked, or its answer was not what OpenID Connect says.
struct ProviderError: Error, CustomStringConvertible {
    let message: String
    var description: String { "identity provider: \(message)" }
}
