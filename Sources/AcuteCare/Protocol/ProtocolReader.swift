import Clinical

/// Reads one protocol file's JSON, throwing a `ProtocolError` that names the file, the rule
/// being read and the field for anything missing, mistyped or unknown.
struct ProtocolReader {
    let file: String
    var rule = ""
    /// Trial ids a condition may name (`trial_met`), and IVT pathway ids (`ivt.pathway`).
    var trials: [String] = []
    var pathways: [String] = []

    init(file: String) {
        self.file = file
    }

    func fail(_ field: String, _ message: String) -> ProtocolError {
        ProtocolError(file: file, rule: rule, field: field, message: message)
    }

    func object(_ value: JSONValue?, _ field: String) throws(ProtocolError) -> [String: JSONValue] {
        guard let members = value?.object else { throw fail(field, value == nil ? "is missing" : "must be an object") }
        return members
    }

    func array(_ value: JSONValue?, _ field: String) throws(ProtocolError) -> [JSONValue] {
        guard case .array(let elements)? = value else { throw fail(field, value == nil ? "is missing" : "must be a list") }
        return elements
    }

    func string(_ value: JSONValue?, _ field: String) throws(ProtocolError) -> String {
        guard case .string(let text)? = value, !text.isEmpty else { throw fail(field, value == nil ? "is missing" : "must be non-empty text") }
        return text
    }

    func optionalString(_ value: JSONValue?, _ field: String) throws(ProtocolError) -> String? {
        guard let value, value != .null else { return nil }
        return try string(value, field)
    }

    func number(_ value: JSONValue?, _ field: String) throws(ProtocolError) -> Double {
        guard case .number(let number)? = value, number.isFinite else { throw fail(field, value == nil ? "is missing" : "must be a number") }
        return number
    }

    func optionalNumber(_ value: JSONValue?, _ field: String) throws(ProtocolError) -> Double? {
        guard let value, value != .null else { return nil }
        return try number(value, field)
    }

    func strings(_ value: JSONValue?, _ field: String) throws(ProtocolError) -> [String] {
        var result: [String] = []
        for (index, element) in try array(value, field).enumerated() {
            result.append(try string(element, "\(field)[\(index)]"))
        }
        return result
    }

    func optionalStrings(_ value: JSONValue?, _ field: String) throws(ProtocolError) -> [String] {
        guard let value, value != .null else { return [] }
        return try strings(value, field)
    }

    func numbers(_ value: JSONValue?, _ field: String, count: Int) throws(ProtocolError) -> [Double] {
        let elements = try array(value, field)
        guard elements.count == count else { throw fail(field, "must hold \(count) numbers") }
        var result: [Double] = []
        for (index, element) in elements.enumerated() {
            result.append(try number(element, "\(field)[\(index)]"))
        }
        return result
    }

    /// A condition, checked against the fact catalogue: the fact exists, the value fits its kind.
    func condition(_ value: JSONValue?, _ field: String) throws(ProtocolError) -> Condition {
        let members = try object(value, field)
        if members.count == 1, let (key, inner) = members.first {
            switch key {
            case "all", "any":
                var parts: [Condition] = []
                for (index, element) in try array(inner, "\(field).\(key)").enumerated() {
                    parts.append(try condition(element, "\(field).\(key)[\(index)]"))
                }
                guard !parts.isEmpty else { throw fail("\(field).\(key)", "must list at least one condition") }
                return key == "all" ? .all(parts) : .any(parts)
            case "not":
                return .not(try condition(inner, "\(field).not"))
            case "trial_met":
                let trial = try string(inner, "\(field).trial_met")
                guard let index = trials.firstIndex(of: trial) else { throw fail("\(field).trial_met", "\(trial) is not a trial in evt.json") }
                return .trialMet(index)
            case "always":
                guard inner == .bool(true) else { throw fail("\(field).always", "must be true") }
                return .always
            default:
                break
            }
        }
        let name = try string(members["fact"], "\(field).fact")
        guard let fact = Fact.named(name) else { throw fail("\(field).fact", "\(name) is not a known fact") }
        let operators = members.keys.filter { $0 != "fact" }
        guard operators.count == 1, let op = operators.first else {
            throw fail(field, "needs exactly one of <, <=, >, >=, ==, !=, in, between, known")
        }
        let operand = members[op]
        let path = "\(field).\(op)"
        if let comparison = Condition.Comparison(rawValue: op) {
            try requireNumeric(fact, path)
            return .compare(fact, comparison, try number(operand, path))
        }
        switch op {
        case "==": return .equals(fact, try factValue(operand, for: fact, path))
        case "!=": return .differs(fact, try factValue(operand, for: fact, path))
        case "in":
            var options: [FactValue] = []
            for (index, element) in try array(operand, path).enumerated() {
                options.append(try factValue(element, for: fact, "\(path)[\(index)]"))
            }
            return .oneOf(fact, options)
        case "between":
            try requireNumeric(fact, path)
            let bounds = try numbers(operand, path, count: 2)
            guard bounds[0] <= bounds[1] else { throw fail(path, "low bound above high bound") }
            return .between(fact, bounds[0], bounds[1])
        case "known":
            guard case .bool(let expected)? = operand else { throw fail(path, "must be true or false") }
            return .known(fact, expected)
        default:
            throw fail(path, "\(op) is not an operator (<, <=, >, >=, ==, !=, in, between, known)")
        }
    }

    private func requireNumeric(_ fact: Fact, _ path: String) throws(ProtocolError) {
        switch fact.definition.kind {
        case .number, .integer: return
        default: throw fail(path, "\(fact.definition.name) is not a number")
        }
    }

    private func factValue(_ value: JSONValue?, for fact: Fact, _ path: String) throws(ProtocolError) -> FactValue {
        let name = fact.definition.name
        switch (fact.definition.kind, value) {
        case (.number, .number(let number)?), (.integer, .number(let number)?):
            return .number(number)
        case (.flag, .bool(let flag)?):
            return .flag(flag)
        case (.choice(let allowed), .string(let code)?):
            let allowed = fact == .ivtPathway ? pathways : allowed
            guard let index = allowed.firstIndex(of: code) else {
                throw fail(path, "\(code) is not a value of \(name) (\(allowed.joined(separator: ", ")))")
            }
            return .code(Int16(index))
        default:
            throw fail(path, "does not fit \(name)")
        }
    }
}
