/// One known fact about a presentation: a number, a yes/no, or a coded value.
public enum FactValue: Sendable, Equatable, Hashable, CustomStringConvertible {
    case number(Double)
    case flag(Bool)
    case code(String)

    public var number: Double? {
        if case .number(let value) = self { return value }
        return nil
    }

    public var flag: Bool? {
        if case .flag(let value) = self { return value }
        return nil
    }

    public var code: String? {
        if case .code(let value) = self { return value }
        return nil
    }

    public var description: String {
        switch self {
        case .number(let value): value == value.rounded() && abs(value) < 1e12 ? String(Int(value)) : String(value)
        case .flag(let value): value ? "yes" : "no"
        case .code(let value): value
        }
    }
}
