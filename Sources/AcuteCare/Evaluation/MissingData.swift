public import Clinical

/// A value the evaluation needed and did not have, and what needed it.
public struct MissingData: Sendable, Equatable, JSONWritable {
    /// The fact's JSON path in the presentation, e.g. "labs.inr".
    public var field: String
    /// The rule, pathway, trial or score that needed it.
    public var neededBy: String
    /// Whether the decision waits for it (true) or treatment may start meanwhile (false).
    public var blocking: Bool

    public func write(to writer: inout JSONWriter) {
        writer.object { json in
            json.field("field", field)
            json.field("needed_by", neededBy)
            json.field("blocking", blocking)
        }
    }
}
