import Foundation

/// A `Codable` value stored as `jsonb` (or read from `json`).
///
/// ```swift
/// try await pool.query("INSERT INTO notes (body) VALUES (\(PostgresJSON(note)))")
/// let note = try row.decode(PostgresJSON<Note>.self).value
/// ```
public struct PostgresJSON<Value: Codable & Sendable>: PostgresEncodable, PostgresDecodable {
    private static var jsonbVersion: UInt8 { 1 }

    /// The wrapped value.
    public var value: Value

    /// Wraps a value to be sent or read as JSON.
    public init(_ value: Value) { self.value = value }

    public static var postgresType: PostgresDataType { .jsonb }
    public static var postgresArrayType: PostgresDataType? { .jsonbArray }

    public func encode(into buffer: inout [UInt8]) throws(PostgresError) {
        do {
            let data = try JSONEncoder().encode(value)
            buffer.append(Self.jsonbVersion)
            buffer.append(contentsOf: data)
        } catch {
            throw PostgresError(code: .encoding, message: "cannot encode \(Value.self) as JSON")
        }
    }

    public init(postgresBytes bytes: ArraySlice<UInt8>, type: PostgresDataType) throws(PostgresDecodingFailure) {
        let text: ArraySlice<UInt8>
        switch type {
        case .jsonb:
            guard bytes.first == Self.jsonbVersion else { throw .badLength(Value.self, bytes.count) }
            text = bytes.dropFirst()
        case .json:
            text = bytes
        default:
            throw .typeMismatch(Value.self, type)
        }
        do {
            value = try JSONDecoder().decode(Value.self, from: Data(text))
        } catch {
            throw PostgresDecodingFailure("JSON does not match \(Value.self)")
        }
    }
}

extension PostgresJSON: Equatable where Value: Equatable {}
