import AcuteCare
import Clinical
import Foundation
import Recovery
import Rehabilitation
import Storage

/// The words of the pages in each language: `Resources/locales/<language>.json`, one flat
/// object of key → text, the same keys in every language (checked when loaded). Templates
/// read them as `{{t.key}}`; sentences with values are filled in Swift by `format`, whose
/// `{name}` placeholders must also be the same in every language.
struct TextCatalogue: Sendable {
    /// The texts of one language.
    struct Texts: Sendable {
        let language: PageLanguage
        let entries: [String: String]

        /// The text of a key; a key missing from the catalogue shows as itself in brackets, and
        /// the catalogue test finds every key the code and templates use.
        subscript(key: String) -> String { entries[key] ?? "[\(key)]" }

        /// A sentence with its `{name}` placeholders filled, in one pass (a value that itself
        /// holds `{…}` is never filled again).
        func format(_ key: String, _ values: [String: String]) -> String {
            var result = ""
            var rest = Substring(self[key])
            while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
                result += rest[..<open]
                let name = String(rest[rest.index(after: open)..<close])
                result += values[name] ?? String(rest[open...close])
                rest = rest[rest.index(after: close)...]
            }
            return result + rest
        }

        /// A notice in the page's language (`notice_<code>`); one read back without its code, as given.
        func notice(_ notice: Notice) -> String {
            notice.code.map { format("notice_" + $0, notice.values) } ?? notice.text
        }

        /// A number as the language writes it (a decimal comma in Swedish).
        func number(_ value: Double, digits: Int) -> String {
            value.formatted(.number.precision(.fractionLength(digits)).locale(language.locale).grouping(.never))
        }

        /// A day as the language writes it ("7 dec. 2026", "7 Dec 2026").
        func day(_ date: Date, in zone: TimeZone) -> String {
            var style = Date.FormatStyle(date: .abbreviated, time: .omitted, locale: language.locale, timeZone: zone)
            style.calendar = Calendar(identifier: .gregorian)
            return date.formatted(style)
        }

        /// A day with its weekday ("måndag 14 dec. 2026", "Monday 14 Dec 2026").
        func weekday(_ date: Date, in zone: TimeZone) -> String {
            var style = Date.FormatStyle(date: .abbreviated, time: .omitted, locale: language.locale, timeZone: zone).weekday(.wide)
            style.calendar = Calendar(identifier: .gregorian)
            return date.formatted(style)
        }

        /// A moment as the language writes it, on the 24-hour clock, with its zone's name.
        func moment(_ date: Date, in zone: TimeZone) -> String {
            var style = Date.FormatStyle(date: .abbreviated, time: .shortened, locale: language.locale, timeZone: zone)
            style.calendar = Calendar(identifier: .gregorian)
            let abbreviation = zone.abbreviation(for: date) ?? zone.identifier
            return date.formatted(style) + " " + abbreviation
        }
    }

    private let byLanguage: [PageLanguage: Texts]

    /// The texts of a language.
    func texts(_ language: PageLanguage) -> Texts {
        byLanguage[language] ?? Texts(language: language, entries: [:])
    }

    /// Every key, in English (the test's reference list).
    var keys: Set<String> { Set(texts(.en).entries.keys) }

    /// The notices the service gives, in English, from their codes (`notice_<code>`): kept in
    /// the code beside the API's sentence, not repeated in en.json; other languages translate them.
    static let noticeSentences: [String: String] = Dictionary(
        noticeCodes.map { ("notice_" + $0.code, $0.english) }, uniquingKeysWith: { first, _ in first })

    /// Every notice code the service gives, with its English (a code given twice is found by the catalogue test).
    static let noticeCodes: [(code: String, english: String)] =
        ReportNotice.allCases.map { ($0.rawValue, $0.english) } + RecoveryNotice.allCases.map { ($0.rawValue, $0.english) }
        + Prep2Input.allCases.map { ($0.rawValue, $0.english) } + UnplacedReason.allCases.map { ($0.rawValue, $0.english) }
        + InputNotice.allCases.map { ($0.rawValue, $0.english) }

    /// Reads the catalogues from `folder` (English with `noticeSentences`), refusing one whose
    /// keys or placeholders differ from English's; the pseudo-language is English with each text marked.
    static func load(from folder: URL) throws -> TextCatalogue {
        var loaded: [PageLanguage: [String: String]] = [:]
        for language in [PageLanguage.en, .sv] {
            let file = folder.appendingPathComponent("\(language.rawValue).json")
            guard let data = FileManager.default.contents(atPath: file.path) else { throw Invalid(file: file.lastPathComponent, problem: "cannot be read") }
            guard let entries = try? JSONDecoder().decode([String: String].self, from: data) else {
                throw Invalid(file: file.lastPathComponent, problem: "is not one JSON object of key → text")
            }
            loaded[language] = entries
        }
        if let repeated = Set(loaded[.en]?.keys ?? [:].keys).intersection(noticeSentences.keys).sorted().first {
            throw Invalid(file: "en.json", problem: "has \(repeated), a notice whose English the code gives")
        }
        loaded[.en, default: [:]].merge(noticeSentences) { first, _ in first }
        let english = loaded[.en] ?? [:]
        for (language, entries) in loaded where language != .en {
            let file = "\(language.rawValue).json"
            if let missing = Set(english.keys).subtracting(entries.keys).sorted().first { throw Invalid(file: file, problem: "has no \(missing)") }
            if let extra = Set(entries.keys).subtracting(english.keys).sorted().first {
                throw Invalid(file: file, problem: "has \(extra), which en.json has not")
            }
            for (key, text) in entries where placeholders(text) != placeholders(english[key] ?? "") {
                throw Invalid(
                    file: file, problem: "\(key) has placeholders \(placeholders(text).sorted()), en.json \(placeholders(english[key] ?? "").sorted())")
            }
        }
        var byLanguage = loaded.reduce(into: [PageLanguage: Texts]()) { $0[$1.key] = Texts(language: $1.key, entries: $1.value) }
        byLanguage[.pseudo] = Texts(language: .pseudo, entries: english.mapValues { "⟦" + $0 + "⟧" })
        return TextCatalogue(byLanguage: byLanguage)
    }

    /// The `{name}` placeholders of a text.
    static func placeholders(_ text: String) -> Set<String> {
        Set(
            text.split(separator: "{").dropFirst().compactMap {
                $0.split(separator: "}", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init)
            })
    }

    struct Invalid: Error, CustomStringConvertible {
        let file: String
        let problem: String
        var description: String { "locales/\(file) \(problem)" }
    }
}
