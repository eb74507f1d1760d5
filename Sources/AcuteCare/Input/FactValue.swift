/// One known fact about a presentation: a number, a yes/no, or a coded value (the index of
/// the code in its fact's vocabulary). Plain data, so evaluation copies no references.
public enum FactValue: Sendable, Equatable, Hashable {
    case number(Double)
    case flag(Bool)
    case code(Int16)

    public var number: Double? {
        if case .number(let value) = self { return value }
        return nil
    }

    public var flag: Bool? {
        if case .flag(let value) = self { return value }
        return nil
    }

    var codeIndex: Int16? {
        if case .code(let value) = self { return value }
        return nil
    }
}
