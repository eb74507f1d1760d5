/// Why a protocol file was refused: the file, the rule (or section) and the field.
public struct ProtocolError: Error, Sendable, Equatable, CustomStringConvertible {
    public var file: String
    public var rule: String
    public var field: String
    public var message: String

    public init(file: String, rule: String, field: String, message: String) {
        self.file = file
        self.rule = rule
        self.field = field
        self.message = message
    }

    public var description: String {
        "Protocols/acute/\(file): \(rule.isEmpty ? "" : "rule \(rule), ")field \(field): \(message)"
    }
}
