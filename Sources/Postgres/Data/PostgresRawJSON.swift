public import Foundation

/// A JSON document kept as the bytes it was written as, sent as `json` (which PostgreSQL
/// stores verbatim): for a document that must come back exactly as it was given (a stored
/// answer), without a round trip through `Codable`. Reads `json` or `jsonb`.
public struct PostgresRawJSON: PostgresEncodable, PostgresDecodable, Equatable {
    /// The UTF-8 JSON text.
    public var bytes: Data

    public init(_ bytes: Data) { self.bytes = bytes }

    public static var postgresType: PostgresDataType { .json }
    public static var postgresArrayType: PostgresDataType? { .jsonArray }

    public func encode(into buffer: inout [UInt8]) throws(PostgresError) {
        buffer.append(contentsOf: bytes)
    }

    public init(postgresBytes bytes: ArraySlice<UInt8>, type: PostgresDataType) throws(PostgresDecodingFailure) {
        switch type {
        case .jsonb:
            guard bytes.first == 1 else { throw .badLength(PostgresRawJSON.self, bytes.count) }
            self.bytes = Data(bytes.dropFirst())
        case .json:
            self.bytes = Data(bytes)
        default:
            throw .typeMismatch(PostgresRawJSON.self, type)
        }
    }
}
