import AcuteCare
import Clinical
import Foundation
import Hummingbird
import Storage

/// The acute team's page: a form quick to fill on a tablet (`GET /acute`) and the answer
/// (`POST /acute`): options as cards with status colours, the dose box, reasons with
/// citations, the expected outcome as a stacked mRS chart, and a live clock since LKW.
/// Signed-in clinicians only; the form carries a CSRF token; each evaluation is stored and
/// audited like one made through the API.
struct AcutePages: Sendable {
    let pages: PageRenderer
    let acute: AcuteDecisionSupport
    let episodes: AcuteEpisodePages
    let statements: ProtocolStatements
    /// The protocol's rules, pathways and trials in words, read once for each language.
    let titles: [PageLanguage: [String: String]]

    init(pages: PageRenderer, acute: AcuteDecisionSupport, episodes: AcuteEpisodePages, statements: ProtocolStatements) {
        self.pages = pages
        self.acute = acute
        self.episodes = episodes
        self.statements = statements
        titles = Dictionary(uniqueKeysWithValues: PageLanguage.allCases.map { ($0, statements.acute($0).titles) })
    }

    struct FormView {
        struct Field {
            var name: String
            var label: String
            var value: String
            var unit: String
            var step: String
            var hint: String?
            var error: String?
            var isNumber: Bool
            var isClock: Bool
            /// A clock time as the episode gave it, and that instant (`AcuteFormReader.withClockTimes`).
            var shown: String?
            var instant: String?
            var options: [Option]
        }

        struct Option {
            var value: String
            var label: String
            var selected: Bool
            /// `en` for the protocols' own words, shown untranslated (docs/clinical-safety.md).
            var lang: String? = nil
        }

        /// A refusal: the field's name and what is wrong, the engine's words in English.
        struct ErrorLine {
            var label: String
            var labelLang: String?
            var detail: String
            var detailLang: String?
        }

        struct NIHSSItem {
            var name: String
            var label: String
            var options: [Option]
        }

        struct Group {
            var title: String
            var fields: [Field]
        }

        struct Check {
            var name: String
            var label: String
            var checked: Bool
            var value: String
        }

        var csrf: String
        /// The episode the evaluation belongs to (started from its page), with the patient's name.
        var episode: AcuteEpisodePages.Banner?
        /// The episode's id the form carries, also when it could not be looked up (`unlinked`).
        var episodeID: String?
        /// The episode could not be looked up in time: an answer now is not linked to it.
        var unlinked: Bool
        /// "Clock times in Europe/Stockholm", or that clock times cannot be taken.
        var clockNote: String
        var groups: [Group]
        var history: [Check]
        var historyReviewed: Bool
        var events: [Check]
        var profiles: [Option]
        /// The NIHSS item calculator: each item's score (its total fills the NIHSS field).
        var nihssItems: [NIHSSItem]
        var nihssOpen: Bool
        var errors: [ErrorLine]
        /// Stored, not computed: Mustache reads stored properties only.
        var hasErrors: Bool
        /// Whether the refusals' details are the engine's (English) rather than the catalogue's.
        var detailLang: String?
    }

    /// Presentation fields the form fills under another name (the clock is entered as a clock
    /// time or minutes ago, the windows at times expected from now).
    static let formName = [
        "times.lkw_to_decision_min": "lkw_at", "times.lkw_to_puncture_min": "puncture_in", "times.lkw_to_arrival_min": "arrival_at",
    ]

    func register(on signedIn: RouterGroup<SignedInContext>) {
        signedIn.get("/acute") { request, context in
            guard let id = request.uri.queryParameters["episode"].map(String.init) else {
                return try formPage(request, context.identity, values: [:], defaults: true, episode: nil, errors: [:], fromEngine: false, status: .ok)
            }
            let (episode, banner) = try await episodes.banner(id, context.access)
            return try formPage(
                request, context.identity, values: episodes.formValues(episode), defaults: true, episode: banner, errors: [:], fromEngine: false, status: .ok)
        }
        signedIn.post("/acute") { request, context in
            let form = try await context.form(request)
            // The episode is looked up within the evaluation's own deadline: when the database does not
            // answer, the answer is still given, unlinked and saying so (the spool keeps it).
            var banner: AcuteEpisodePages.Banner?
            var unlinked = false
            if let id = form["episode"], !id.isEmpty {
                let (episodes, access) = (self.episodes, context.access)
                banner = try await answeredInTime(acute.storeTimeout) { try await episodes.banner(id, access).1 }
                unlinked = banner == nil
            }
            let now = Date()
            let (read, clockTimes, instants) = AcuteFormReader.withClockTimes(form, zone: episodes.zone, now: now, texts: pages.texts(request))
            let clock = clockTimes.merging(AcuteFormReader.clockProblems(read, texts: pages.texts(request))) { first, _ in first }
            guard clock.isEmpty else {
                return try formPage(
                    request, context.identity, values: form, defaults: false, episode: banner, unlinked: unlinked, errors: clock, fromEngine: false,
                    status: .unprocessableContent)
            }
            let json = AcuteFormReader.presentation(from: read)
            let answer: AcuteDecisionSupport.Answer
            do {
                answer = try await acute.evaluate(
                    json, input: Data(json.jsonBytes), profile: form["profile"].flatMap { $0.isEmpty ? nil : $0 }, episode: banner?.id,
                    as: context.access)
            } catch let problems as InputProblems where problems.problems.allSatisfy({ $0.notice != nil }) {
                // Each problem said in the page's language.
                let texts = pages.texts(request)
                var errors: [String: String] = [:]
                for problem in problems.problems { errors[Self.formName[problem.field] ?? problem.field] = problem.notice.map(texts.notice) }
                return try formPage(
                    request, context.identity, values: form, defaults: false, episode: banner, unlinked: unlinked, errors: errors, fromEngine: false,
                    status: .unprocessableContent)
            } catch {
                guard let problem = Problem.from(error), problem.status == .unprocessableContent else { throw error }
                var errors: [String: String] = [:]
                for error in problem.errors { errors[Self.formName[error.field] ?? error.field] = error.detail }
                return try formPage(
                    request, context.identity, values: form, defaults: false, episode: banner, unlinked: unlinked, errors: errors, fromEngine: true,
                    status: .unprocessableContent)
            }
            let said = statements.acuteAnswer(answer.result, stored: answer.evaluation, of: answer.presentation, in: pages.language(request))
            let view = AcuteResultView(
                said, id: answer.id, stored: answer.kept.rawValue,
                lkwMinutesAgo: instants["lkw_at"].map { now.timeIntervalSince($0) / 60 } ?? Double(read["lkw_minutes_ago"] ?? "") ?? 0, now: now,
                sources: acute.evaluator.acute.sources, titles: titles[said.1] ?? [:], texts: pages.texts(request), zone: episodes.zone,
                episode: banner, unlinked: unlinked)
            return try pages.page("acute-result", view, request: request, identity: context.identity)
        }
    }

    private func formPage(
        _ request: Request, _ identity: Identity, values: [String: String], defaults: Bool, episode: AcuteEpisodePages.Banner?,
        unlinked: Bool = false, errors: [String: String], fromEngine: Bool, status: HTTPResponse.Status
    ) throws -> Response {
        let texts = pages.texts(request)
        let detailLang = fromEngine ? "en" : nil
        let groups = AcuteFormFields.groups.map { group in
            FormView.Group(
                title: texts[group.title],
                fields: group.fields.map { field in
                    let value = values[field.name] ?? (defaults ? field.defaultValue : "")
                    var options: [FormView.Option] = []
                    var unit = ""
                    var step = "any"
                    var isNumber = false
                    var isClock = false
                    switch field.kind {
                    case .number(let fieldUnit, let fieldStep):
                        unit = fieldUnit.isEmpty ? "" : texts["acute_unit_" + fieldUnit]
                        step = fieldStep
                        isNumber = true
                    case .choice(let choices):
                        options = choices.map { FormView.Option(value: $0, label: texts[AcuteFormFields.optionKey($0)], selected: $0 == value) }
                    case .yesNo:
                        options = ["", "yes", "no"].map { FormView.Option(value: $0, label: texts[AcuteFormFields.optionKey($0)], selected: $0 == value) }
                    case .clock:
                        isClock = true
                    }
                    return FormView.Field(
                        name: field.name, label: texts[AcuteFormFields.labelKey(field.name)], value: value, unit: unit, step: step,
                        hint: field.hint.map { texts[$0] }, error: errors[field.name], isNumber: isNumber, isClock: isClock,
                        shown: isClock ? values["\(field.name)_shown"] : nil, instant: isClock ? values["\(field.name)_instant"] : nil, options: options)
                })
        }
        let acute = statements.acute(texts.language)
        let statementLang = ProtocolStatements.tag(texts.language)
        let nihssLabels = Dictionary(
            acute.nihssItems.map { ("nihss_items.\($0.id)", "NIHSS \($0.id) \($0.label)") }, uniquingKeysWith: { first, _ in first })
        let view = FormView(
            csrf: WebSession.csrfToken(request), episode: episode, episodeID: values["episode"].flatMap { $0.isEmpty ? nil : $0 }, unlinked: unlinked,
            clockNote: episodes.zone.map { texts.format("clock_zone", ["zone": $0.identifier]) } ?? texts["clock_no_zone"], groups: groups,
            history: AcuteFormFields.historyFlags.map {
                FormView.Check(name: $0, label: texts[AcuteFormFields.labelKey($0)], checked: values[$0] == "on", value: "")
            },
            historyReviewed: values["history_reviewed"] == "on",
            events: AcuteFormFields.recentEvents.map {
                FormView.Check(name: $0, label: texts[AcuteFormFields.labelKey($0)], checked: false, value: values[$0] ?? "")
            },
            profiles: [FormView.Option(value: "", label: texts["acute_profile_default"], selected: (values["profile"] ?? "").isEmpty)]
                + acute.profiles.map { FormView.Option(value: $0.id, label: $0.title, selected: values["profile"] == $0.id, lang: statementLang) },
            nihssItems: acute.nihssItems.map { item in
                let name = "nihss_items.\(item.id)"
                let chosen = values[name] ?? ""
                let scores = [("", "–")] + (0...item.max).map { ("\($0)", "\($0)") } + (item.untestableAllowed ? [("UN", "UN")] : [])
                return FormView.NIHSSItem(
                    name: name, label: "\(item.id) \(item.label)", options: scores.map { FormView.Option(value: $0.0, label: $0.1, selected: $0.0 == chosen) })
            },
            nihssOpen: values.contains { $0.key.hasPrefix("nihss_items.") && !$0.value.isEmpty },
            errors: errors.sorted { $0.key < $1.key }.map { field, detail in
                FormView.ErrorLine(
                    label: nihssLabels[field] ?? AcuteFormFields.label(of: field, texts), labelLang: nihssLabels[field] == nil ? nil : statementLang,
                    detail: detail, detailLang: detailLang)
            },
            hasErrors: !errors.isEmpty, detailLang: detailLang
        )
        return try pages.page("acute-form", view, request: request, identity: identity, csrf: view.csrf, status: status)
    }
}
