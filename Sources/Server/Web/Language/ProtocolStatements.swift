import AcuteCare
import Clinical
import Foundation
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
    /// The acute rules with their Swedish statements, and those statements.
    let swedishAcute: AcuteEvaluator
    private let swedishAcuteStatements: ProtocolTranslation
    /// The recovery protocol's Swedish statements, for those a notice quotes.
    private let swedishRecovery: ProtocolTranslation
    private let logger = Logger(label: "strokepath.protocols")

    init(library: ProtocolLibrary, english: ProtocolLibrary.Loaded) throws {
        let swedish = PageLanguage.sv.rawValue
        self.english = english
        self.swedish = try library.loadAll(language: swedish)
        swedishAcute = AcuteEvaluator(protocol: self.swedish.acute)
        swedishAcuteStatements = try library.translation(of: .acute, language: swedish)
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

    /// `decided` (made with the English rules) as a page in `language` says it, and the language
    /// it is said in: on a Swedish page the same presentation evaluated with the Swedish
    /// statements, shown only when it decides exactly as `decided`
    /// (`ProtocolTranslation.decidesAlike`); otherwise the English answer, in English.
    /// - Parameter stored: `decided` as stored (its JSON, not written again here).
    func acuteAnswer(_ decided: AcuteEvaluation, stored: Data, of presentation: Presentation, in language: PageLanguage) -> (
        AcuteEvaluation, PageLanguage
    ) {
        guard language == .sv else { return (decided, language) }
        do {
            let translated = try swedishAcute.evaluate(presentation, profile: decided.profile)
            let difference = swedishAcuteStatements.firstDifference(
                try JSONParser.parse(stored), try JSONParser.parse(translated.jsonBytes), at: "")
            guard let difference else { return (translated, .sv) }
            logger.error("the Swedish statements said an acute answer otherwise: shown in English", metadata: ["at": "\(difference)"])
        } catch {
            logger.error("the Swedish statements could not say an acute answer: shown in English", metadata: ["error": "\(error)"])
        }
        return (decided, .en)
    }
}
