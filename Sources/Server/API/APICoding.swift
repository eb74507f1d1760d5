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

/// The API's request bodies: JSON with ISO 8601 dates, bounded by the context's upload limit;
/// a body that does not decode is a 400 problem naming the field.
public struct APIRequestDecoder: RequestDecoder {
    public func decode<T: Decodable>(_ type: T.Type, from request: Request, context: some RequestContext) async throws -> T {
        let body = try await request.body.collect(upTo: context.maxUploadSize)
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
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
