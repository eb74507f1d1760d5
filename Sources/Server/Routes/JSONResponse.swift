import Foundation
import Hummingbird

/// JSON responses and request bodies for the API: sorted keys, ISO 8601 dates, and
/// `Cache-Control: no-store`, since API answers may hold patient data.
enum JSONResponse {
    static func make(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        return Response(
            status: status,
            headers: [.contentType: "application/json", .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(bytes: try encoder.encode(value)))
        )
    }

    /// A response whose body is JSON already encoded (a stored answer, sent as it was kept).
    static func raw(_ json: Data, status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status,
            headers: [.contentType: "application/json", .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(bytes: json))
        )
    }

    /// Decodes a JSON body (bounded by the context's upload limit) or answers 400 naming
    /// what is wrong.
    static func decode<Value: Decodable>(_: Value.Type, from request: Request, context: AppRequestContext) async throws -> Value {
        let body = try await request.body.collect(upTo: context.maxUploadSize)
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        do {
            return try decoder.decode(Value.self, from: Data(body.readableBytesView))
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
