import Clinical

/// Reads typed fields out of a JSON object, collecting a problem for each field that is
/// missing, of the wrong type or out of range, so that one reply can name them all.
struct InputReader {
    private(set) var problems: [InputProblem] = []

    mutating func report(_ field: String, _ code: InputNotice, _ values: [String: String] = [:]) {
        problems.append(InputProblem(field: field, code, values))
    }

    /// The object at `key` of `object` (nil when absent or null; a problem when not an object).
    mutating func object(_ object: [String: JSONValue]?, _ key: String, path: String, required: Bool = false) -> [String: JSONValue]? {
        let field = join(path, key)
        switch object?[key] {
        case .object(let members)?:
            return members
        case nil, .null?:
            if required { report(field, .required) }
            return nil
        case let other?:
            report(field, .notObject, ["kind": other.kindName])
            return nil
        }
    }

    mutating func number(
        _ object: [String: JSONValue]?, _ key: String, path: String, in range: ClosedRange<Double>,
        required: Bool = false, unit: String = ""
    ) -> Double? {
        let field = join(path, key)
        switch object?[key] {
        case .number(let value)?:
            guard value.isFinite, range.contains(value) else {
                report(
                    field, unit.isEmpty ? .outsideRange : .outsideRangeUnit,
                    ["value": format(value), "low": format(range.lowerBound), "high": format(range.upperBound), "unit": unit])
                return nil
            }
            return value
        case nil, .null?:
            if required { report(field, .required) }
            return nil
        case let other?:
            report(field, .notNumber, ["kind": other.kindName])
            return nil
        }
    }

    mutating func integer(
        _ object: [String: JSONValue]?, _ key: String, path: String, in range: ClosedRange<Int>, required: Bool = false
    ) -> Int? {
        guard let value = number(object, key, path: path, in: Double(range.lowerBound)...Double(range.upperBound), required: required) else {
            return nil
        }
        guard value == value.rounded() else {
            report(join(path, key), .notWholeNumber)
            return nil
        }
        return Int(value)
    }

    mutating func bool(_ object: [String: JSONValue]?, _ key: String, path: String, required: Bool = false) -> Bool? {
        let field = join(path, key)
        switch object?[key] {
        case .bool(let value)?:
            return value
        case nil, .null?:
            if required { report(field, .required) }
            return nil
        case let other?:
            report(field, .notBoolean, ["kind": other.kindName])
            return nil
        }
    }

    mutating func choice<Value: RawRepresentable & CaseIterable>(
        _ object: [String: JSONValue]?, _ key: String, path: String, as: Value.Type, required: Bool = false
    ) -> Value? where Value.RawValue == String {
        let field = join(path, key)
        let allowed = Value.allCases.map(\.rawValue).joined(separator: ", ")
        switch object?[key] {
        case .string(let text)?:
            guard let value = Value(rawValue: text) else {
                report(field, .notOneOf, ["allowed": allowed])
                return nil
            }
            return value
        case nil, .null?:
            if required { report(field, .requiredOneOf, ["allowed": allowed]) }
            return nil
        case let other?:
            report(field, .notOneOfKind, ["allowed": allowed, "kind": other.kindName])
            return nil
        }
    }

    func join(_ path: String, _ key: String) -> String {
        path.isEmpty ? key : "\(path).\(key)"
    }

    private func format(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
    }
}
