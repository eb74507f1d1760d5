import Clinical
import Foundation
public import Hummingbird

/// The API's answers: JSON with sorted keys and ISO 8601 dates, never cached (an answer may
/// hold patient data). Set on the request context, so handlers return values.
public struct APIResponseEncoder: ResponseEncoder {
    public func encode(_ value: some Encodable, from request: Request, context: some RequestContext) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        return Response(
            status: .ok, headers: [.contentType: "application/json", .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(bytes: try encoder.encode(value))))
    }
}

/// The API's request bodies: JSON with ISO 8601 dates from 1900 to 2199, bounded by the
/// context's upload limit; a body that does not decode is a 400 problem naming the field, a
/// control character in any string or a time out of range a 422 naming it.
public struct APIRequestDecoder: RequestDecoder {
    public func decode<T: Decodable>(_ type: T.Type, from request: Request, context: some RequestContext) async throws -> T {
        let body = try await request.body.collect(upTo: context.maxUploadSize)
        guard let document = try? JSONParser.parse(body.readableBytesView) else {
            throw Problem(.badRequest, "invalid-body", detail: "The body is not the JSON this operation takes.")
        }
        try document.checkText()
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom(Self.time)
        do {
            return try decoder.decode(T.self, from: Data(body.readableBytesView))
        } catch let refusal as Refusal {
            throw refusal
        } catch let DecodingError.keyNotFound(key, _) {
            throw Problem(.badRequest, "invalid-body", detail: "The field \(key.stringValue) is missing.")
        } catch let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context) {
            let field = context.codingPath.map(\.stringValue).joined(separator: ".")
            throw Problem(.badRequest, "invalid-body", detail: "The field \(field) has the wrong type.")
        } catch let DecodingError.dataCorrupted(context) where !context.codingPath.isEmpty {
            let field = context.codingPath.map(\.stringValue).joined(separator: ".")
            throw Problem(.badRequest, "invalid-body", detail: "The field \(field): \(context.debugDescription).")
        } catch {
            throw Problem(.badRequest, "invalid-body", detail: "The body is not the JSON this operation takes.")
        }
    }

    /// An ISO 8601 time with its zone, from 1900 to 2199.
    @Sendable private static func time(_ decoder: any Decoder) throws -> Date {
        let container = try decoder.singleValueContainer()
        guard let time = try? Date(try container.decode(String.self), strategy: .iso8601) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "must be an ISO 8601 time with a zone, e.g. 2026-11-29T08:15:00Z")
        }
        try TimeRules.check(time, field: decoder.codingPath.map(\.stringValue).joined(separator: "."))
        return time
    }
}

/// JSON already encoded (a stored answer, sent exactly as it was kept), never cached.
struct RawJSON: ResponseGenerator {
    var bytes: Data
    var status: HTTPResponse.Status = .ok

    func response(from request: Request, context: some RequestContext) throws -> Response {
        Response(
            status: status, headers: [.contentType: "application/json", .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}

/// An answer with a status other than 200 (201 for a creation, 202 for accepted work).
func answer<Value: ResponseGenerator>(_ value: Value, status: HTTPResponse.Status, location: String? = nil) -> EditedResponse<Value> {
    var headers: HTTPFields = [:]
    if let location { headers[.location] = location }
    return EditedResponse(status: status, headers: headers, response: value)
}
