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

        let title = "Weekly plan"
        var csrf: String
        var week: String
        var status: String
        var running: Bool
        var progress: Int
        var objective: String
        var feasible: Bool
        var done: Bool
        var canPublish: Bool
        var sessions: Int
        var error: String?
        var terms: [Row]
        var kpis: [Row]
        var unplaced: [UnplacedRow]
        var hasUnplaced: Bool
        /// For a re-plan: what changed against the booked week.
        var replan: Bool
        var kept: Int
        var displaced: [String]
        var removed: [String]
        var added: [String]
        var hasDisplaced: Bool
        var hasRemoved: Bool
        var hasAdded: Bool
        var publishAction: String
        var weekLink: String
    }

    struct PatientWeekView {
        struct Session {
            var time: String
            var therapy: String
            var with: String
            var room: String
        }

        struct Day {
            var label: String
            var sessions: [Session]
            var free: Bool
        }

        let title = "Your therapy week"
        var pseudonym: String
        var week: String
        var days: [Day]
        var minutes: Int
        var clinicTime: String
    }

    /// A plan for review: progress while it runs (the page refreshes itself), then the score,
    /// the sessions it could not place with their reasons, and the publish button.
    func planPage(_ request: Request, _ caller: Caller, id: UUID) async throws -> Response {
        guard let plan = try await plans.plan(id, as: caller.access) else {
            throw Refusal.notFound("No plan with that id is accessible to you.")
        }
        let csrf = WebSession.csrfToken(request)
        let score = plan.score
        let view = PlanView(
            csrf: csrf, week: "\(plan.weekStart)", status: plan.status.rawValue, running: plan.status.isSolving,
            progress: Int((plan.progress * 100).rounded()), objective: plan.objective.map(String.init) ?? "–", feasible: score?.feasible ?? false,
            done: score != nil, canPublish: caller.isCoordinator && plan.status.after(.publish) != nil, sessions: plan.schedule?.count ?? 0, error: plan.error,
            terms: (score?.soft ?? [:]).sorted { $0.key < $1.key }.map { .init(name: $0.key.replacingOccurrences(of: "_", with: " "), value: "\($0.value)") },
            kpis: (score?.kpi ?? [:]).sorted { $0.key < $1.key }.map {
                .init(
                    name: $0.key.replacingOccurrences(of: "_", with: " "),
                    value: $0.value == $0.value.rounded() ? "\(Int($0.value))" : String(format: "%.2f", $0.value))
            },
            unplaced: unplacedRows(plan),
            hasUnplaced: !(plan.unplaced ?? []).isEmpty, replan: plan.changes != nil, kept: plan.changes?.kept ?? 0,
            displaced: plan.changes?.displaced ?? [], removed: plan.changes?.removed ?? [], added: plan.changes?.added ?? [],
            hasDisplaced: !(plan.changes?.displaced ?? []).isEmpty, hasRemoved: !(plan.changes?.removed ?? []).isEmpty,
            hasAdded: !(plan.changes?.added ?? []).isEmpty, publishAction: "/rehab/plans/\(id.uuidString.lowercased())/publish",
            weekLink: "/rehab?week=\(plan.weekStart)")
        var response = try pages.page("rehab-plan", view, request: request, identity: caller.identity, csrf: csrf)
        if view.running, let refresh = HTTPField.Name("Refresh") { response.headers[refresh] = "2" }
        return response
    }

    /// A patient's booked week, day by day, for printing and handing to the patient.
    func patientWeekPage(_ request: Request, _ caller: Caller, patient: UUID) async throws -> Response {
        let settings = caller.settings
        let today = settings.local(Date()).day
        let week = try QueryParameter.day(request, "week").map { $0.adding(days: -$0.weekday) } ?? today.adding(days: -today.weekday)
        let entries = try await bookings.timetable(
            TimetableQuery(
                clinic: caller.clinic, from: settings.instant(week, ClockTime(clamping: 0)),
                to: settings.instant(week.adding(days: 7), ClockTime(clamping: 0)), patient: patient),
            as: caller.access
        ).filter { entry in entry.participants.contains { $0.patientId == patient && !$0.cancelled } }
        guard
            let pseudonym = try await rehab.stays.stays(clinic: caller.clinic, on: nil, as: caller.access)
                .first(where: { $0.patientId == patient })?.pseudonym
        else {
            throw Refusal.notFound("No patient with a stay at this clinic has that id.")
        }
        let therapists = try await resources.therapists(clinic: caller.clinic, as: caller.access)
        let rooms = try await resources.rooms(clinic: caller.clinic, as: caller.access)
        let names = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
        let days = (0..<7).compactMap { index -> PatientWeekView.Day? in
            let day = week.adding(days: index)
            let sessions = entries.filter { settings.local($0.start).day == day }.map { entry in
                PatientWeekView.Session(
                    time: "\(Self.clock(settings.local(entry.start).minutes))–\(Self.clock(settings.local(entry.end).minutes))",
                    therapy: name(of: entry.modality), with: therapists.first { $0.id == entry.therapistId }?.name ?? "",
                    room: rooms.first { $0.id == entry.roomId }?.name ?? entry.roomCode)
            }
            guard index < 5 || !sessions.isEmpty else { return nil }
            return PatientWeekView.Day(label: "\(names[index]) \(day.day)/\(day.month)", sessions: sessions, free: sessions.isEmpty)
        }
        let minutes = entries.reduce(0) { $0 + Int($1.end.timeIntervalSince($1.start) / 60) }
        let view = PatientWeekView(pseudonym: pseudonym, week: "\(week)", days: days, minutes: minutes, clinicTime: settings.timeZone)
        return try pages.page("rehab-patient-week", view, request: request, identity: caller.identity)
    }
}
