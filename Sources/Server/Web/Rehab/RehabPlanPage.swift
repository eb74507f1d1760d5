import Clinical
import Foundation
import HTTPTypes
import Hummingbird
import Rehabilitation
import Storage

extension RehabPages {
    struct PlanView {
        struct Row {
            var name: String
            var value: String
        }

        var csrf: String
        var heading: String
        var status: String
        var running: Bool
        var progress: Int
        var progressText: String
        var objective: String
        var feasible: Bool
        var done: Bool
        var canPublish: Bool
        var sessionsText: String
        var error: String?
        var terms: [Row]
        var kpis: [Row]
        var unplaced: [UnplacedRow]
        var hasUnplaced: Bool
        /// For a re-plan: what changed against the booked week.
        var replan: Bool
        var keptText: String
        var displaced: [String]
        var removed: [String]
        var added: [String]
        var hasDisplaced: Bool
        var hasRemoved: Bool
        var hasAdded: Bool
        var publishAction: String
        var discardAction: String
        var weekLink: String
    }

    /// Shares among the plan's indicators, shown as percentages.
    static let fractionIndicators: Set<String> = ["delivered_fraction", "therapist_utilisation"]

    /// A plan for review: progress while it runs (the page refreshes itself), then the score in
    /// words, the sessions it could not place with their reasons, and publish or discard.
    func planPage(_ request: Request, _ caller: Caller, id: UUID) async throws -> Response {
        guard let plan = try await plans.plan(id, as: caller.access) else {
            throw Refusal.notFound("No plan with that id is accessible to you.")
        }
        let texts = pages.texts(request)
        let csrf = WebSession.csrfToken(request)
        let score = plan.score
        let progress = Int((plan.progress * 100).rounded())
        let path = "/rehab/plans/\(id.uuidString.lowercased())"
        let view = PlanView(
            csrf: csrf,
            heading: texts.format(
                "plan_heading", ["week": texts.day(caller.settings.instant(plan.weekStart, ClockTime(clamping: 720)), in: caller.settings.zone)]),
            status: texts["plan_status_\(plan.status.rawValue)"], running: plan.status.isSolving, progress: progress,
            progressText: texts.format("plan_progress", ["percent": "\(progress)"]),
            objective: plan.objective.map(String.init) ?? "–", feasible: score?.feasible ?? false, done: score != nil,
            canPublish: caller.isCoordinator && plan.status.after(.publish) != nil,
            sessionsText: texts.format(score?.feasible == true ? "plan_sessions_feasible" : "plan_sessions_broken", ["n": "\(plan.schedule?.count ?? 0)"]),
            error: plan.error,
            terms: (score?.soft ?? [:]).sorted { $0.key < $1.key }.map { .init(name: texts["plan_term_\($0.key)"], value: "\($0.value)") },
            kpis: (score?.kpi ?? [:]).sorted { $0.key < $1.key }.map {
                .init(
                    name: texts["plan_kpi_\($0.key)"],
                    value: Self.fractionIndicators.contains($0.key)
                        ? "\(texts.number($0.value * 100, digits: 0)) %" : texts.number($0.value, digits: $0.value == $0.value.rounded() ? 0 : 2))
            },
            unplaced: unplacedRows(plan, texts),
            hasUnplaced: !(plan.unplaced ?? []).isEmpty, replan: plan.changes != nil,
            keptText: texts.format("plan_kept", ["n": "\(plan.changes?.kept ?? 0)"]),
            displaced: plan.changes?.displaced ?? [], removed: plan.changes?.removed ?? [], added: plan.changes?.added ?? [],
            hasDisplaced: !(plan.changes?.displaced ?? []).isEmpty, hasRemoved: !(plan.changes?.removed ?? []).isEmpty,
            hasAdded: !(plan.changes?.added ?? []).isEmpty, publishAction: path + "/publish", discardAction: path + "/discard",
            weekLink: "/rehab?week=\(plan.weekStart)")
        var response = try pages.page("rehab-plan", view, request: request, identity: caller.identity, csrf: csrf)
        if view.running, let refresh = HTTPField.Name("Refresh") { response.headers[refresh] = "2" }
        return response
    }
}
