import Foundation
import Hummingbird
import Postgres
import Storage

/// The auditors' break-glass queue (`/audit/break-glass`, review M4): every break-glass attempt
/// of the last 30 days on their organisations' patients or by their organisations' staff —
/// granted and refused — newest first, with who, from which organisation, for which patient
/// and why. Read through the auditor's scoped search, as the API's.
struct BreakGlassPage: Sendable {
    let pages: PageRenderer
    let pool: PostgresPool

    struct View {
        struct Use { var when: String, outcome: String, refused: Bool, who: String, role: String, organisation: String, patient: String, reason: String }
        var heading: String
        var intro: String
        var uses: [Use]
        var hasUses: Bool
    }

    /// How far back the page looks.
    static let days = 30

    func register(on signedIn: RouterGroup<SignedInContext>) {
        signedIn.get("/audit/break-glass") { request, context in
            let texts = pages.texts(request)
            let now = Date()
            let entries = try await AuditQueries.search(
                .init(since: now.addingTimeInterval(-Double(Self.days) * 86_400), until: now, onlyBreakGlass: true, limit: 1_000), as: context.access,
                pool: pool)
            let uses = entries.map { entry in
                View.Use(
                    when: entry.recordedAt.formatted(.iso8601.year().month().day().time(includingFractionalSeconds: false)),
                    outcome: texts[entry.outcome == "success" ? "break_glass_granted" : "break_glass_refused"], refused: entry.outcome != "success",
                    who: entry.actorSubject,
                    role: texts["role_\(entry.actorRole)"], organisation: entry.actorOrganisation?.uuidString.lowercased() ?? "",
                    patient: entry.patientId?.uuidString.lowercased() ?? "", reason: entry.breakGlassReason ?? "")
            }
            return try pages.page(
                "break-glass",
                View(
                    heading: texts.format("break_glass_heading", ["days": "\(Self.days)"]),
                    intro: texts.format("break_glass_intro", ["refused": "\(uses.filter(\.refused).count)"]), uses: uses,
                    hasUses: !uses.isEmpty), request: request,
                identity: context.identity)
        }
    }
}
