import Clinical
import Foundation
import Hummingbird
import Rehabilitation
import Storage

/// The clinic's pages: the week grid per therapist, room or pool, or patient, with the plan's
/// unplaced sessions and the waitlist (`GET /rehab`); a session with attendance marking and the
/// move and cancel forms, cancelling offering the waitlist (`/rehab/sessions/{id}`); a plan's
/// review and publication (`/rehab/plans/{id}`); a patient's week to print for the patient
/// (`/rehab/patients/{id}/week`, and `week.ics`); the clinic's day (`/rehab/day`); planning a week
/// (`POST /rehab/plans`). For signed-in coordinators and therapists; forms carry the
/// CSRF token; every change goes through the same storage calls as the API.
struct RehabPages: Sendable {
    let pages: PageRenderer
    let rehab: RehabClinic
    /// The patients' names, for the care staff and the patients' letters.
    let identities: PatientIdentities
    /// The catalogue's statements (evidence, precautions) in each page language.
    let statements: ProtocolStatements

    var bookings: RehabSessions { rehab.sessions }
    var resources: RehabResources { rehab.resources }
    var plans: RehabPlans { rehab.plans }
    var catalogue: RehabCatalogue { rehab.catalogue }

    /// The signed-in caller of a page.
    struct Caller {
        var identity: Identity
        var access: AccessContext
        var clinic: UUID
        var settings: ClinicSettings
        var isCoordinator: Bool { identity.role == .rehabCoordinator }
    }

    func register(on signedIn: RouterGroup<SignedInContext>) {
        signedIn.get("/rehab") { request, context in
            try await weekPage(request, try await caller(request, context))
        }
        signedIn.get("/rehab/day") { request, context in
            try await dayPage(request, try await caller(request, context))
        }
        signedIn.get("/rehab/sessions/:id") { request, context in
            try await sessionPage(request, try await caller(request, context), id: try QueryParameter.id(context, "session"), notice: nil)
        }
        signedIn.post("/rehab/sessions/:id") { request, context in
            try await sessionForm(request, context, try await caller(request, context), id: try QueryParameter.id(context, "session"))
        }
        signedIn.post("/rehab/waitlist/:id/accept") { request, context in
            let caller = try await caller(request, context)
            _ = try await context.form(request)
            let entry = try QueryParameter.id(context, "waitlist entry")
            let session = try await rehab.waitlist.accept(entry, as: caller.access)
            return Response(status: .seeOther, headers: [.location: "/rehab/sessions/\(session.uuidString.lowercased())"])
        }
        signedIn.get("/rehab/plans/:id") { request, context in
            try await planPage(request, try await caller(request, context), id: try QueryParameter.id(context, "plan"))
        }
        signedIn.post("/rehab/plans") { request, context in
            let caller = try await caller(request, context)
            let form = try await context.form(request)
            guard let week = form["week"].flatMap(CalendarDay.init) else { throw Refusal.invalid("week", "must be a Monday YYYY-MM-DD") }
            let seconds = try form["seconds"].map { text -> Int in
                guard let seconds = Int(text), (1...600).contains(seconds) else { throw Refusal.invalid("seconds", "must be 1 to 600") }
                return seconds
            }
            let plan = try await rehab.planning.plan(
                clinic: caller.clinic, week: week, seconds: seconds ?? Self.planSeconds, replan: form["replan"] == "true", fromDay: nil,
                as: caller.access)
            return Response(status: .seeOther, headers: [.location: "/rehab/plans/\(plan.id.uuidString.lowercased())"])
        }
        signedIn.post("/rehab/plans/:id/discard") { request, context in
            let caller = try await caller(request, context)
            _ = try await context.form(request)
            let id = try QueryParameter.id(context, "plan")
            guard try await plans.discard(id, as: caller.access) else {
                throw Refusal.notFound("No finished, unpublished plan with that id is accessible to you.")
            }
            return Response(status: .seeOther, headers: [.location: "/rehab/plans/\(id.uuidString.lowercased())"])
        }
        signedIn.post("/rehab/plans/:id/publish") { request, context in
            let caller = try await caller(request, context)
            _ = try await context.form(request)
            let id = try QueryParameter.id(context, "plan")
            _ = try await plans.publish(id, as: caller.access)
            return Response(status: .seeOther, headers: [.location: "/rehab/plans/\(id.uuidString.lowercased())"])
        }
        signedIn.get("/rehab/patients/:id/week") { request, context in
            try await patientWeekPage(request, try await caller(request, context), patient: try QueryParameter.patientID(context))
        }
        signedIn.get("/rehab/patients/:id/week.ics") { request, context in
            try await patientWeekCalendar(request, try await caller(request, context), patient: try QueryParameter.patientID(context))
        }
    }

    /// The signed-in coordinator or therapist, acting for the clinic (`clinic` parameter, else
    /// the first organisation of the token).
    func caller(_ request: Request, _ context: SignedInContext) async throws -> Caller {
        let access = context.access
        let clinic = try QueryParameter.clinic(request, access)
        guard access.organisations.contains(clinic) else { throw Refusal.notFound("No clinic with that id is one you act for.") }
        let settings = try await resources.settings(clinic, as: access)
        return Caller(identity: context.identity, access: access, clinic: clinic, settings: settings)
    }

    /// What the clinic calls its patients: the name of each one's identity (each read
    /// audited), else the pseudonym.
    func patientNames(_ patients: [(UUID, String)], _ caller: Caller) async throws -> [UUID: String] {
        let identities = try await identities.findMany(patients.map(\.0), as: caller.access)
        return Dictionary(patients.map { ($0.0, identities[$0.0]?.displayName ?? $0.1) }, uniquingKeysWith: { first, _ in first })
    }

    /// An option of a page's select.
    struct Choice {
        var value: String
        var label: String
        var selected: Bool
    }

    /// A prescription's sessions a plan could not place, and why.
    struct UnplacedRow {
        var patient: String
        var modality: String
        var missing: String
        var reason: String
    }

    /// The rows of a plan's unplaced sessions.
    func unplacedRows(_ plan: RehabPlan?, _ texts: TextCatalogue.Texts) -> [UnplacedRow] {
        (plan?.unplaced ?? []).map {
            .init(
                patient: $0.patient, modality: name(of: $0.modality, texts),
                missing: texts.format("plan_missing_of", ["missing": "\($0.missing)", "prescribed": "\($0.prescribed)"]),
                reason: UnplacedReason(rawValue: $0.reason).map { texts.notice(Notice($0)) } ?? $0.explanation)
        }
    }

    /// The catalogue's name of a modality in the page's language.
    func name(of modality: String, _ texts: TextCatalogue.Texts) -> String {
        catalogue.modalities.first { $0.id == modality }?.name(in: texts.language.tag) ?? modality
    }

    /// The catalogue's discipline of a modality, as a CSS class.
    func discipline(of modality: String) -> String {
        catalogue.modalities.first { $0.id == modality }?.discipline ?? "other"
    }

    /// How long the solver searches a week planned from the page, in seconds (the form's
    /// `seconds` may ask for 1 to 600).
    static let planSeconds = 20

    /// A local time of day, "09:15".
    static func clock(_ minutes: Int) -> String { String(format: "%02d:%02d", minutes / 60, minutes % 60) }
}
