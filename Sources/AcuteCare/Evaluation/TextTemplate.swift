/// Fills `{fact.name}` placeholders of protocol texts with the presentation's values
/// ("unknown" when not known); a ratio is shown to three decimals.
enum TextTemplate {
    static func render(_ template: String, _ facts: Facts) -> String {
        guard template.contains("{") else { return template }
        var result = ""
        var rest = template[...]
        while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
            result += rest[..<open]
            let name = String(rest[rest.index(after: open)..<close])
            result += Fact.named(name).map { describe(facts[$0]) } ?? "{\(name)}"
            rest = rest[rest.index(after: close)...]
        }
        return result + rest
    }

    static func describe(_ value: FactValue?) -> String {
        guard let value else { return "unknown" }
        if case .number(let number) = value, number != number.rounded() {
            return String((number * 1000).rounded() / 1000)
        }
        return value.description
    }
}
