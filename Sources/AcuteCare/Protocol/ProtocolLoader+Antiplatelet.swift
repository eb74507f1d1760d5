import Clinical

extension ProtocolLoader {
    /// antiplatelet.json: its rules, the last of which must always hold (so there is always an answer).
    mutating func readAntiplatelet(_ document: [String: JSONValue]) throws(ProtocolError) -> AntiplateletProtocol {
        var reader = ProtocolReader(file: "antiplatelet.json")
        var rules: [AntiplateletProtocol.Rule] = []
        for (index, value) in try reader.array(document["rules"], "rules").enumerated() {
            let members = try reader.object(value, "rules[\(index)]")
            let id = try reader.string(members["id"], "rules[\(index)].id")
            reader.rule = id
            let recommendation = try reader.string(members["recommendation"], "recommendation")
            guard AntiplateletProtocol.recommendations.contains(recommendation) else {
                throw reader.fail("recommendation", "must be one of \(AntiplateletProtocol.recommendations.joined(separator: ", "))")
            }
            var asksFor: [Fact] = []
            for name in try reader.optionalStrings(members["asks_for"], "asks_for") {
                guard let fact = Fact.named(name), case .input = fact.definition.origin else { throw reader.fail("asks_for", "\(name) is not an input fact") }
                asksFor.append(fact)
            }
            rules.append(
                .init(
                    id: id, when: try compile(reader, members["when"], "when"), recommendation: recommendation,
                    regimen: try reader.optionalString(members["regimen"], "regimen"), asksFor: asksFor, text: try reader.string(members["text"], "text"),
                    sources: try cited(reader, members["sources"])))
        }
        reader.rule = ""
        guard let last = rules.last, arena.isAlways(last.when) else { throw reader.fail("rules", "the last rule must be {\"always\": true}") }
        return AntiplateletProtocol(rules: rules)
    }
}
