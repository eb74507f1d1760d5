import Clinical

/// Orders with an answer in which IVT is possible (orders.json): monitoring, the symptomatic
/// haemorrhage and angioedema protocols, the 24-h rules, and the warning for an estimated
/// weight near a tenecteplase band edge.
struct OrdersProtocol: Sendable {
    var appliesWhen: ConditionArena.Ref
    var orders: [ConditionalNote]
    var marginKg: Double
    var estimatedText: String
    var unknownText: String
    var weightSources: [String]
}

extension ProtocolLoader {
    mutating func readOrders(_ document: [String: JSONValue]) throws(ProtocolError) -> OrdersProtocol {
        var reader = ProtocolReader(file: "orders.json")
        let applies = try compile(reader, document["applies_when"], "applies_when")
        let orders = try readNotes(&reader, document["orders"], "orders")
        reader.rule = "estimated_weight"
        let weight = try reader.object(document["estimated_weight"], "estimated_weight")
        return OrdersProtocol(
            appliesWhen: applies, orders: orders, marginKg: try reader.number(weight["margin_kg"], "margin_kg"),
            estimatedText: try reader.string(weight["text"], "text"), unknownText: try reader.string(weight["unknown_text"], "unknown_text"),
            weightSources: try cited(reader, weight["sources"]))
    }
}
