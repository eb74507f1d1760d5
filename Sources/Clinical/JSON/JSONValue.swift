/// A JSON document as a tree (read by `JSONParser`), so input can be checked field by field
/// and every problem named, rather than stopping at the first one as `Decodable` does.
public enum JSONValue: Sendable, Equatable, JSONWritable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    public func write(to writer: inout JSONWriter) {
        switch self {
        case .null: writer.null()
        case .bool(let value): writer.bool(value)
        case .number(let value): writer.number(value)
        case .string(let value): writer.string(value)
        case .array(let elements): writer.array(elements) { $1.write(to: &$0) }
        case .object(let members):
            writer.object { json in for key in members.keys.sorted() { if let value = members[key] { json.field(key, value) } } }
        }
    }

    /// The members of an object, or nil.
    public var object: [String: JSONValue]? {
        if case .object(let members) = self { return members }
        return nil
    }

    /// The number, or nil.
    public var number: Double? {
        if case .number(let value) = self { return value }
        return nil
    }

    /// The string, or nil.
    public var text: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    /// The elements of an array, or nil.
    public var array: [JSONValue]? {
        if case .array(let elements) = self { return elements }
        return nil
    }

    /// How the value is called in an error message.
    public var kindName: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .number: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }
}
