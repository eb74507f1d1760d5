import Clinical
import Foundation

/// Building FHIR JSON as `JSONValue` trees: a member with no value is left out (FHIR has no
/// nulls and no empty arrays or objects), times are written as FHIR `dateTime`s.
enum FHIRJSON {
    /// An object of the members that have a value.
    static func object(_ members: [(String, JSONValue?)]) -> JSONValue {
        var object: [String: JSONValue] = [:]
        for (key, value) in members {
            guard let value else { continue }
            switch value {
            case .array(let elements) where elements.isEmpty: continue
            case .object(let inner) where inner.isEmpty: continue
            default: object[key] = value
            }
        }
        return .object(object)
    }

    static func string(_ text: String?) -> JSONValue? { text.map(JSONValue.string) }

    static func number(_ value: Double?) -> JSONValue? { value.flatMap { $0.isFinite ? .number($0) : nil } }

    static func integer(_ value: Int?) -> JSONValue? { value.map { .number(Double($0)) } }

    /// A FHIR `dateTime`/`instant` in UTC, to the second.
    static func dateTime(_ date: Date?) -> JSONValue? { date.map { .string(format($0)) } }

    static func format(_ date: Date) -> String { date.formatted(.iso8601) }

    /// A FHIR `date` (YYYY-MM-DD).
    static func date(_ day: CalendarDay?) -> JSONValue? { day.map { .string($0.description) } }

    /// A literal reference (`Patient/…`).
    static func reference(_ type: String, _ id: String) -> JSONValue {
        .object(["reference": .string("\(type)/\(id)")])
    }

    static func reference(_ type: String, _ id: UUID) -> JSONValue { reference(type, id.fhirID) }

    /// The JSON text of a resource or bundle.
    static func bytes(_ value: JSONValue) -> [UInt8] {
        var writer = JSONWriter(capacity: 8192)
        value.write(to: &writer)
        return writer.bytes
    }
}

extension UUID {
    /// A UUID as a FHIR id: lower case, as the API writes ids in URLs.
    var fhirID: String { uuidString.lowercased() }
}

extension JSONValue {
    /// A tree written as Swift literals (strings, whole numbers, booleans, arrays, `[String: Any]`).
    init(literal value: Any) {
        switch value {
        case let text as String: self = .string(text)
        case let flag as Bool: self = .bool(flag)
        case let number as Int: self = .number(Double(number))
        case let number as Double: self = .number(number)
        case let elements as [Any]: self = .array(elements.map { JSONValue(literal: $0) })
        case let members as [String: Any]: self = .object(members.mapValues { JSONValue(literal: $0) })
        default: self = .null
        }
    }
}
