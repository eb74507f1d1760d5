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
    /// The protocol's rules, pathways and trials in words, read once.
    let titles: [String: String]

    init(pages: PageRenderer, acute: AcuteDecisionSupport) {
        self.pages = pages
        self.acute = acute
        titles = acute.evaluator.acute.titles
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
            var options: [Option]
        }

        struct Option {
            var value: String
            var label: String
            var selected: Bool
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

        let title = "Acute decision"
        var csrf: String
        var groups: [Group]
        var history: [Check]
        var historyReviewed: Bool
        var events: [Check]
        var profiles: [Option]
        /// The NIHSS item calculator: each item's score (its total fills the NIHSS field).
        var nihssItems: [NIHSSItem]
        var nihssOpen: Bool
        var errors: [String]
        /// Stored, not computed: Mustache reads stored properties only.
        var hasErrors: Bool
    }

    /// Presentation fields the form fills under another name (the clock is entered as minutes ago).
    static let formName = [
        "times.lkw_to_decision_min": "lkw_minutes_ago", "times.lkw_to_puncture_min": "puncture_in",
        "times.lkw_to_arrival_min": "arrival_minutes_ago",
    ]

    func register(on signedIn: RouterGroup<SignedInContext>) {
        signedIn.get("/acute") { request, context in
            try formPage(request, context.identity, values: [:], errors: [:], status: .ok)
        }
        signedIn.post("/acute") { request, context in
            let form = try await context.form(request)
            let clock = AcuteFormReader.clockProblems(form)
            guard clock.isEmpty else { return try formPage(request, context.identity, values: form, errors: clock, status: .unprocessableContent) }
            let json = AcuteFormReader.presentation(from: form)
            let answer: AcuteDecisionSupport.Answer
            do {
                answer = try await acute.evaluate(
                    json, input: Data(json.jsonBytes), profile: form["profile"].flatMap { $0.isEmpty ? nil : $0 }, episode: nil, as: context.access)
            } catch {
                guard let problem = Problem.from(error), problem.status == .unprocessableContent else { throw error }
                var errors: [String: String] = [:]
                for error in problem.errors { errors[Self.formName[error.field] ?? error.field] = error.detail }
                return try formPage(request, context.identity, values: form, errors: errors, status: .unprocessableContent)
            }
            let view = AcuteResultView(
                answer.result, id: answer.id, stored: answer.kept.rawValue,
                lkwMinutesAgo: Double(form["lkw_minutes_ago"] ?? "") ?? 0, now: Date(),
                sources: acute.evaluator.acute.sources, titles: titles)
            return try pages.page("acute-result", view, request: request, identity: context.identity)
        }
    }

    private func formPage(_ request: Request, _ identity: Identity, values: [String: String], errors: [String: String], status: HTTPResponse.Status) throws
        -> Response
    {
        let fresh = values.isEmpty
        let groups = AcuteFormFields.groups.map { group in
            FormView.Group(
                title: group.title,
                fields: group.fields.map { field in
                    let value = fresh ? field.defaultValue : (values[field.name] ?? "")
                    var options: [FormView.Option] = []
                    var unit = ""
                    var step = "any"
                    var isNumber = false
                    switch field.kind {
                    case .number(let fieldUnit, let fieldStep):
                        unit = fieldUnit
                        step = fieldStep
                        isNumber = true
                    case .choice(let choices):
                        options = choices.map { FormView.Option(value: $0.value, label: $0.label, selected: $0.value == value) }
                    case .yesNo:
                        options = [("", "not known"), ("yes", "yes"), ("no", "no")].map { FormView.Option(value: $0.0, label: $0.1, selected: $0.0 == value) }
                    }
                    return FormView.Field(
                        name: field.name, label: field.label, value: value, unit: unit, step: step, hint: field.hint.isEmpty ? nil : field.hint,
                        error: errors[field.name], isNumber: isNumber, options: options)
                })
        }
        let acute = self.acute.evaluator.acute
        let nihssLabels = Dictionary(
            acute.nihssItems.map { ("nihss_items.\($0.id)", "NIHSS \($0.id) \($0.label)") }, uniquingKeysWith: { first, _ in first })
        let view = FormView(
            csrf: WebSession.csrfToken(request), groups: groups,
            history: AcuteFormFields.historyFlags.map { FormView.Check(name: $0.name, label: $0.label, checked: values[$0.name] == "on", value: "") },
            historyReviewed: values["history_reviewed"] == "on",
            events: AcuteFormFields.recentEvents.map { FormView.Check(name: $0.name, label: $0.label, checked: false, value: values[$0.name] ?? "") },
            profiles: [FormView.Option(value: "", label: "organisation default", selected: (values["profile"] ?? "").isEmpty)]
                + acute.profiles.map { FormView.Option(value: $0.id, label: $0.title, selected: values["profile"] == $0.id) },
            nihssItems: acute.nihssItems.map { item in
                let name = "nihss_items.\(item.id)"
                let chosen = values[name] ?? ""
                let scores = [("", "–")] + (0...item.max).map { ("\($0)", "\($0)") } + (item.untestableAllowed ? [("UN", "UN")] : [])
                return FormView.NIHSSItem(
                    name: name, label: "\(item.id) \(item.label)", options: scores.map { FormView.Option(value: $0.0, label: $0.1, selected: $0.0 == chosen) })
            },
            nihssOpen: values.contains { $0.key.hasPrefix("nihss_items.") && !$0.value.isEmpty },
            errors: errors.sorted { $0.key < $1.key }.map { "\(nihssLabels[$0.key] ?? AcuteFormFields.label(of: $0.key)): \($0.value)" },
            hasErrors: !errors.isEmpty
        )
        return try pages.page("acute-form", view, request: request, identity: identity, csrf: view.csrf, status: status)
    }
}
