public import Clinical

/// A note of the answer whose condition held (`ConditionalNote`): an urgent item, a possible
/// mimic.
public struct AnswerNote: Sendable, Equatable, JSONWritable {
    public var id: String
    public var text: String
    public var sources: [String]

    /// The notes whose conditions hold for `facts`.
    static func holding(_ notes: [ConditionalNote], _ facts: Facts, _ arena: ConditionArena) -> [AnswerNote] {
        notes.filter { arena.evaluate($0.when, facts) == .yes }.map { AnswerNote(id: $0.id, text: $0.text, sources: $0.sources) }
    }

    public func write(to writer: inout JSONWriter) {
        writer.object { json in
            json.field("id", id)
            json.field("text", text)
            json.field("sources", strings: sources)
        }
    }
}
