import Postgres

extension PostgresRow {
    /// A text column as one of an enum's values; a value the enum does not know fails to decode.
    func decode<Value: RawRepresentable>(_: Value.Type, at position: Int) throws -> Value where Value.RawValue == String {
        let text = try decode(String.self, at: position)
        guard let value = Value(rawValue: text) else { throw PostgresError(code: .decoding, message: "not a \(Value.self)") }
        return value
    }
}
