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
