public import Clinical

/// The orders to follow if IVT is given (orders.json), with a warning where the dose rests on
/// an estimated weight close to a tenecteplase band edge.
public struct OrdersResult: Sendable, JSONWritable {
    public var orders: [AnswerNote]
    /// Why the weight needs checking; nil when it was measured or is not near an edge.
    public var weightWarning: String?
    public var weightSources: [String]
    public var missingData: [MissingData]

    /// The orders for `facts`, or nil when IVT is not on the table.
    /// `tenecteplaseOffered`: whether the pathway offers tenecteplase (only then do its bands matter).
    static func assess(_ facts: Facts, book: RuleBook, tenecteplaseOffered: Bool) -> OrdersResult? {
        let plan = book.orders
        guard book.arena.evaluate(plan.appliesWhen, facts) == .yes else { return nil }
        var warning: String?
        var missing: [MissingData] = []
        switch facts[.weightMeasured] {
        case nil:
            warning = plan.unknownText
            missing.append(MissingData(field: Fact.weightMeasured.definition.name, neededBy: "orders.weight", blocking: false))
        case .flag(false)?:
            let tenecteplase = book.doses.tenecteplase
            let edges = tenecteplase.bands.compactMap(\.belowKg) + [tenecteplase.perKgBands.belowKg]
            if tenecteplaseOffered, let weight = facts.number(.weightKg), let edge = edges.min(by: { abs($0 - weight) < abs($1 - weight) }),
                abs(edge - weight) < plan.marginKg
            {
                warning = TextTemplate.fill(
                    plan.estimatedText,
                    ["weight_kg": TextTemplate.describe(weight), "margin": TextTemplate.describe(plan.marginKg), "edge": TextTemplate.describe(edge)])
            }
        default:
            break
        }
        return OrdersResult(
            orders: AnswerNote.holding(plan.orders, facts, book.arena), weightWarning: warning, weightSources: plan.weightSources, missingData: missing)
    }

    public func write(to writer: inout JSONWriter) {
        writer.object { json in
            json.key("orders")
            json.array(orders) { $1.write(to: &$0) }
            json.field("weight_warning", weightWarning)
            json.field("weight_sources", strings: weightSources)
            json.key("missing_data")
            json.array(missingData) { $1.write(to: &$0) }
        }
    }
}
