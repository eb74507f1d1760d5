/// A sentence the service says to a reader — a report's note, a projection's warning — kept as
/// a code with its values, which a page says in its own language (the catalogue's
/// `notice_<code>`), and as the English sentence the API and the command line give. Encoded as
/// that sentence, so the API's shape is a string; read back from one, it has no code.
public struct Notice: Sendable, Codable, Equatable {
    /// nil for a notice read back from its sentence.
    public var code: String?
    /// The values its sentence names, by their `{name}`.
    public var values: [String: String]
    public var text: String

    public init<Code: NoticeCode>(_ code: Code, _ values: [String: String] = [:]) {
        self.code = code.rawValue
        self.values = values
        text = values.reduce(code.english) { $0.replacing("{\($1.key)}", with: $1.value) }
    }

    public init(from decoder: any Decoder) throws {
        text = try decoder.singleValueContainer().decode(String.self)
        code = nil
        values = [:]
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(text)
    }
}

/// The notices a feature may give: each code with its English sentence (`{name}` for a value).
/// Codes are unique across features (the catalogue's `notice_<code>`; the catalogue test checks).
public protocol NoticeCode: RawRepresentable<String>, CaseIterable, Sendable {
    var english: String { get }
}
