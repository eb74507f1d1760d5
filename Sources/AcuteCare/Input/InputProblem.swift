public import Clinical

/// One thing wrong with an input document: the field's JSON path and what is wrong, in
/// English and, for a page to say in its language, as a notice (nil: the English only).
public struct InputProblem: Error, Sendable, Equatable, Codable, CustomStringConvertible {
    public var field: String
    public var message: String
    public var notice: Notice? = nil

    private enum CodingKeys: String, CodingKey { case field, message }

    public init(field: String, message: String) {
        self.field = field
        self.message = message
    }

    public init(field: String, _ code: InputNotice, _ values: [String: String] = [:]) {
        let notice = Notice(code, values)
        self.init(field: field, message: notice.text)
        self.notice = notice
    }

    public var description: String { "\(field): \(message)" }
}

/// Every problem found in an input document.
public struct InputProblems: Error, Sendable, CustomStringConvertible {
    public var problems: [InputProblem]

    public init(_ problems: [InputProblem]) {
        self.problems = problems
    }

    public var description: String { problems.map(\.description).joined(separator: "; ") }
}

extension [InputProblem] {
    /// The problems without repeats (a missing object is reported once, not per field in it).
    func uniqued() -> [InputProblem] {
        var seen = Set<String>()
        return filter { seen.insert($0.description).inserted }
    }
}
