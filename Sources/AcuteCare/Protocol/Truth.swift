/// Three-valued truth: a condition over facts that are not known is neither true nor false.
public enum Truth: Sendable, Equatable {
    case yes, no, unknown

    init(_ value: Bool) {
        self = value ? .yes : .no
    }
}
