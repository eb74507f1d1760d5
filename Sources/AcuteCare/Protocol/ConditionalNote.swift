import Clinical

/// A text a protocol file adds to the answer when its condition holds (an urgent item of the
/// haemorrhage block, a possible mimic): it informs, it never changes a decision.
struct ConditionalNote: Sendable {
    var id: String
    var when: ConditionArena.Ref
    var text: String
    var sources: [String]
}

extension ProtocolLoader {
    /// A list of `{"id", "when", "text", "sources"}`.
    mutating func readNotes(_ reader: inout ProtocolReader, _ value: JSONValue?, _ field: String) throws(ProtocolError) -> [ConditionalNote] {
        var notes: [ConditionalNote] = []
        for (index, element) in try reader.array(value, field).enumerated() {
            let members = try reader.object(element, "\(field)[\(index)]")
            let id = try reader.string(members["id"], "\(field)[\(index)].id")
            reader.rule = id
            notes.append(
                .init(
                    id: id, when: try compile(reader, members["when"], "when"), text: try reader.string(members["text"], "text"),
                    sources: try cited(reader, members["sources"])))
        }
        return notes
    }
}
