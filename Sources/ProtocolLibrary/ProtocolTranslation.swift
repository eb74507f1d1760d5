public import Clinical
public import Foundation

/// The statements of one `Protocols/` folder in another language: `Protocols/<area>/<language>.json`,
/// each English statement (exactly as the protocol writes it) mapped to its translation.
///
/// A translation replaces words only: it is applied to string members whose key names a
/// statement (`statementKeys`), never to an id, a fact, a code or a number, so a protocol read
/// through it decides exactly as the English one. Keyed by the English text, a translation
/// cannot outlive the statement it was made for: a statement changed in English is shown in
/// English until it is translated again (and `ProtocolTranslationTests` fails until then).
/// Each translation is an entry of the hazard log (`docs/clinical-safety.md`, T8).
public struct ProtocolTranslation: Sendable {
    /// The folders of `Protocols/` whose statements people read.
    public enum Area: String, Sendable, CaseIterable {
        case acute, rehab, recovery, indicators
    }

    /// The language, as a page names it (`sv`).
    public let language: String
    /// English statement → its translation.
    public let statements: [String: String]

    /// The members whose string values (or arrays of strings) are statements shown to people;
    /// a value without a letter (`%`, `2%`) is not one. Under `values` (a score's published
    /// risks) every member is a statement.
    public static let statementKeys: [Area: Set<String>] = [
        .acute: [
            "text", "fails", "fails_prefix", "level", "title", "not_applicable_text", "warnings", "notes", "above_text", "below_text",
            "caution", "lower_text", "outside_text", "per_text", "unknown_text", "lowering_agents", "regimen", "label", "option", "warning",
            "band_note", "agents_rationale", "pending_text", "evt_site", "imaging_selected_ivt", "late_window_evt", "past_no_effect_evt",
            "past_no_effect_ivt", "site_outside_model", "note", "verification", "anchor", "evidence", "phrase", "values",
        ],
        .rehab: ["text", "grade", "title", "meaning", "note", "kind"],
        .indicators: ["title", "numerator", "exclusions", "note", "notes", "caveat", "comparison", "unit"],
        .recovery: ["justification", "name", "note"],
    ]

    /// A translation file that is not a `{"language": …, "statements": {English: translation}}` object.
    public struct Invalid: Error, CustomStringConvertible {
        public var path: String
        public var problem: String
        public var description: String { "the translation \(path) \(problem)" }
    }

    public init(language: String, statements: [String: String]) {
        self.language = language
        self.statements = statements
    }

    /// Reads a translation file's contents (`path` names it in errors).
    public static func decode(_ data: Data, path: String) throws(Invalid) -> ProtocolTranslation {
        let document: JSONValue
        do {
            document = try JSONParser.parse([UInt8](data))
        } catch {
            throw Invalid(path: path, problem: "is not JSON: \(error)")
        }
        guard case .string(let language)? = document.object?["language"], !language.isEmpty else {
            throw Invalid(path: path, problem: "has no language")
        }
        guard case .object(let members)? = document.object?["statements"] else { throw Invalid(path: path, problem: "has no statements object") }
        var statements: [String: String] = [:]
        for (english, value) in members {
            guard case .string(let translated) = value, !translated.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
                throw Invalid(path: path, problem: "has no text for \"\(english.prefix(60))\"")
            }
            statements[english] = translated
        }
        return ProtocolTranslation(language: language, statements: statements)
    }

    /// `document` with each statement of `area` that has a translation replaced by it.
    public func apply(to document: JSONValue, area: Area) -> JSONValue {
        Self.mapStatements(in: document, keys: Self.statementKeys[area] ?? []) { statements[$0] ?? $0 }
    }

    /// Every statement of `area` in `document` (what a complete translation covers).
    public static func statements(in document: JSONValue, area: Area) -> Set<String> {
        var found: Set<String> = []
        _ = mapStatements(in: document, keys: statementKeys[area] ?? []) {
            found.insert($0)
            return $0
        }
        return found
    }

    /// Whether an answer said with this translation (as JSON) decides as the English one: the
    /// same structure, flags, numbers and codes (`codeKeys` exactly); a string may differ only
    /// where it is a statement said otherwise: one word only as this translation says it, a
    /// longer one only with the same numbers and comparison signs in the same order (`figures`).
    /// What a Swedish page checks before it shows its answer.
    public func decidesAlike(_ english: JSONValue, _ translated: JSONValue) -> Bool {
        firstDifference(english, translated, at: "") == nil
    }

    /// Where an answer said with this translation first fails to decide as the English one, as
    /// a path into the answer (`.ivt.status`); nil when it decides alike.
    public func firstDifference(_ english: JSONValue, _ translated: JSONValue, at path: String) -> String? {
        switch (english, translated) {
        case (.string(let a), .string(let b)) where Self.codeKeys.contains(String(path.split(separator: ".").last ?? "")):
            return a == b ? nil : path
        case (.string(let a), .string(let b)):
            return sayAlike(a, b) ? nil : path
        case (.array(let a), .array(let b)):
            guard a.count == b.count else { return "\(path)[]" }
            return zip(a, b).enumerated().lazy.compactMap { firstDifference($1.0, $1.1, at: "\(path)[\($0)]") }.first
        case (.object(let a), .object(let b)):
            guard Set(a.keys) == Set(b.keys) else { return "\(path){}" }
            return a.keys.sorted().lazy.compactMap { key in firstDifference(a[key] ?? .null, b[key] ?? .null, at: "\(path).\(key)") }.first
        default:
            return english == translated ? nil : path
        }
    }

    /// The members of an answer that hold codes and ids (an agent, a pathway, a rule, a status):
    /// equal in every language, whatever they hold.
    public static let codeKeys: Set<String> = [
        "agent", "pathway", "code", "rule", "profile", "id", "for", "field", "recommendation", "status", "action", "stroke",
        "treatment", "decision",
    ]

    private func sayAlike(_ english: String, _ translated: String) -> Bool {
        if english == translated { return true }
        guard english.contains(" ") else { return statements[english] == translated }
        return Self.figures(english, decimalComma: false) == Self.figures(translated, decimalComma: true)
    }

    /// The numbers and comparison signs of a text, in order (`<`, `185`, `>=`, `4.5`): English
    /// `,` before three digits separates thousands; with `decimalComma`, as in Swedish, `,` is
    /// the decimal mark. Read by hand, scalar by scalar: a Swedish page runs it on every
    /// statement of an answer.
    public static func figures(_ text: String, decimalComma: Bool) -> [String] {
        let scalars = Array(text.unicodeScalars)
        func digit(_ index: Int) -> Bool { index < scalars.count && scalars[index].properties.numericType == .decimal && scalars[index].isASCII }
        var figures: [String] = []
        var index = 0
        while index < scalars.count {
            let scalar = scalars[index]
            if "<>≤≥".unicodeScalars.contains(scalar) {
                let equals = index + 1 < scalars.count && scalars[index + 1] == "="
                figures.append(String(scalar) + (equals ? "=" : ""))
                index += equals ? 2 : 1
                continue
            }
            guard digit(index) else {
                index += 1
                continue
            }
            var number = String.UnicodeScalarView()
            while digit(index) {
                number.append(scalars[index])
                index += 1
                let thousands = !decimalComma && index < scalars.count && scalars[index] == "," && digit(index + 1) && digit(index + 2) && digit(index + 3)
                if thousands && !digit(index + 4) { index += 1 }
            }
            if index < scalars.count, scalars[index] == "." || scalars[index] == ",", digit(index + 1) {
                number.append(".")
                index += 1
                while digit(index) {
                    number.append(scalars[index])
                    index += 1
                }
            }
            figures.append(String(number))
        }
        return figures
    }

    /// The `{placeholders}` of a text, sorted.
    public static func placeholders(_ text: String) -> [String] {
        text.matches(of: /\{[A-Za-z_.]+\}/).map { String($0.output) }.sorted()
    }

    private static func mapStatements(
        in value: JSONValue, keys: Set<String>, under key: String? = nil, _ transform: (String) -> String
    ) -> JSONValue {
        switch value {
        case .object(let members) where key == "values" && keys.contains("values"):
            return .object(
                members.mapValues { member in
                    guard case .string(let text) = member, text.contains(where: \.isLetter) else { return member }
                    return .string(transform(text))
                })
        case .object(let members):
            return .object(members.reduce(into: [:]) { $0[$1.key] = mapStatements(in: $1.value, keys: keys, under: $1.key, transform) })
        case .array(let elements):
            return .array(elements.map { mapStatements(in: $0, keys: keys, under: key, transform) })
        case .string(let text) where key.map(keys.contains) == true && text.contains(where: \.isLetter):
            return .string(transform(text))
        default:
            return value
        }
    }
}
