/// Fills `{fact.name}` placeholders of protocol texts with the presentation's values (the
/// phrase for "unknown" when not known); fractional numbers are shown to three decimals.
enum TextTemplate {
    static func render(_ template: String, _ facts: Facts, _ phrases: Phrases) -> String {
        guard template.contains("{") else { return template }
        var result = ""
        var rest = template[...]
        while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
            result += rest[..<open]
            let name = String(rest[rest.index(after: open)..<close])
            result += Fact.named(name).map { describe($0, facts, phrases) } ?? "{\(name)}"
            rest = rest[rest.index(after: close)...]
        }
        return result + rest
    }

    /// Fills named placeholders (`{minutes}`) of a protocol text with the given values.
    static func fill(_ template: String, _ values: [String: String]) -> String {
        values.reduce(template) { text, value in text.replacing("{\(value.key)}", with: value.value) }
    }

    static func describe(_ fact: Fact, _ facts: Facts, _ phrases: Phrases) -> String {
        switch facts[fact] {
        case nil: phrases(.unknown)
        case .number(let number)?: describe(number)
        case .flag(let flag)?: phrases(flag ? .yes : .no)
        case .code?: facts.code(fact) ?? phrases(.unknown)
        }
    }

    static func describe(_ number: Double) -> String {
        if number == number.rounded(), abs(number) < 1e12 { return String(Int(number)) }
        return String((number * 1000).rounded() / 1000)
    }
}
