import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// The service's requests to the identity provider: small JSON documents over HTTP(S) with
/// a time limit, through the shared client.
enum ProviderHTTP {
    /// The longest a provider's answer may be.
    static let largest = 1 << 20
    static let timeout = TimeAmount.seconds(10)

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
        let credentials = "\(formEncoded(user)):\(formEncoded(password))"
        request.headers.add(name: "Authorization", value: "Basic \(Data(credentials.utf8).base64EncodedString())")
        request.body = .bytes(ByteBuffer(string: form.map { "\(formEncoded($0.0))=\(formEncoded($0.1))" }.joined(separator: "&")))
        return try await send(request, to: url)
    }

    private static func send(_ request: HTTPClientRequest, to url: URL) async throws -> Data {
        let response: HTTPClientResponse
        do {
            response = try await HTTPClient.shared.execute(request, timeout: timeout)
        } catch {
            throw ProviderError(message: "\(url.absoluteString) did not answer: \(error)")
        }
        let body: ByteBuffer
        do {
            body = try await response.body.collect(upTo: largest)
        } catch {
            throw ProviderError(message: "\(url.absoluteString) answered more than \(largest) bytes")
        }
        guard response.status == .ok else {
            throw ProviderError(message: "\(url.absoluteString) answered \(response.status.code): \(String(buffer: body).prefix(300))")
        }
        return Data(body.readableBytesView)
    }

    /// `application/x-www-form-urlencoded` encoding of one name or value.
    static func formEncoded(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics.intersection(CharacterSet(charactersIn: Unicode.Scalar(0)...Unicode.Scalar(127)))
        allowed.insert(charactersIn: "-._*")
        return (text.addingPercentEncoding(withAllowedCharacters: allowed) ?? "").replacingOccurrences(of: "%20", with: "+")
    }
}

/// The identity provider could not be asked, or its answer was not what OpenID Connect says.
struct ProviderError: Error, CustomStringConvertible {
    let message: String
    var description: String { "identity provider: \(message)" }
}
