import AcuteCare
import Clinical
import Logging
import ProtocolLibrary
import Rehabilitation
import Reporting
import Storage

/// The protocols' statements in a page's language. A Swedish page reads the protocols through
/// their Swedish translation (`Protocols/<area>/sv.json`: the same rules, numbers and ids, other
/// words); English and pseudo-language pages read them in English. The service decides and
/// stores with the English protocols only; a Swedish page says the same decision in Swedish
/// (`acuteAnswer`).
struct ProtocolStatements: Sendable {
    let english: ProtocolLibrary.Loaded
    let swedish: ProtocolLibrary.Loaded
    /// The acute rules with their Swedish statements.
    let swedishAcute: AcuteEvaluator
    /// The recovery protocol's Swedish statements, for those a notice quotes.
    private let swedishRecovery: ProtocolTranslation
    private let logger = Logger(label: "strokepath.protocols")

    init(library: ProtocolLibrary, english: ProtocolLibrary.Loaded) throws {
        let swedish = PageLanguage.sv.rawValue
        self.english = english
        self.swedish = try library.loadAll(language: swedish)
        swedishAcute = AcuteEvaluator(protocol: self.swedish.acute)
        swedishRecovery = try library.translation(of: .recovery, language: swedish)
    }

    /// `notice` in a page's words, the recovery protocol's statements it quotes (a contested
    /// prior's note, a speculative parameter's justification) in the protocol's words.
    func recoveryNotice(_ notice: Notice, _ texts: TextCatalogue.Texts) -> String {
        guard texts.language == .sv else { return texts.notice(notice) }
        var said = notice
        said.values = notice.values.mapValues { swedishRecovery.statements[$0] ?? $0 }
        return texts.notice(said)
    }

    /// The protocols whose statements a page in `language` shows.
    func protocols(_ language: PageLanguage) -> ProtocolLibrary.Loaded {
        language == .sv ? swedish : english
    }

    /// The acute protocol whose statements a page in `language` shows.
    func acute(_ language: PageLanguage) -> AcuteProtocol { protocols(language).acute }

    /// The rehab catalogue whose statements a page in `language` shows.
    func rehab(_ language: PageLanguage) -> RehabCatalogue { protocols(language).rehab }

    /// `report` with each indicator's title, unit and notes in `language`'s words (its values untouched).
    func report(_ report: RegionalReport, in language: PageLanguage) -> RegionalReport {
        guard language == .sv else { return report }
        let indicators = Dictionary(swedish.indicators.indicators.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        var said = report
        for index in said.tables.indices {
            if let translated = indicators[said.tables[index].indicator.id] { said.tables[index].indicator = translated }
        }
        return said
    }

    /// The `lang` of the protocols' statements on a page in `language`.
    static func tag(_ language: PageLanguage) -> String {
        language == .sv ? "sv" : "en"
    }

    /// `decided` (made with the English rules) as a page in `language` says it: on a Swedish
    /// page the same presentation evaluated with the Swedish statements, shown only when it
    /// decides exactly as `decided` (every number, flag, code and structure equal; only
    /// statements may differ), otherwise the English answer.
    func acuteAnswer(_ decided: AcuteEvaluation, of presentation: Presentation, in language: PageLanguage) -> AcuteEvaluation {
        guard language == .sv else { return decided }
        guard let translated = try? swedishAcute.evaluate(presentation, profile: decided.profile),
            let english = try? JSONParser.parse(decided.jsonBytes), let swedish = try? JSONParser.parse(translated.jsonBytes),
            ProtocolTranslation.decidesAlike(english, swedish)
        else {
            logger.error("the Swedish statements changed an acute decision: the answer is shown in English")
            return decided
        }
        return translated
    }
}
