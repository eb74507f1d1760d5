import Foundation
import Hummingbird
import Rehabilitation
import Storage

/// Weekly plans: solve a clinic's week in the background (progress in the plan), review the
/// schedule with its score and the sessions it could not place, then publish (book) or discard.
struct RehabPlanRoutes: Sendable {
    let bookings: RehabBookings
    let runner: PlanRunner

    struct PlanRequest: Decodable {
        var organisationId: UUID
        var week: CalendarDay
        /// Search time, 1–600 s (default 20).
        var seconds: Int?
        /// Re-plan the booked week after a change, moving as little as it can.
        var replan: Bool?
        /// With `replan`: the first day (0 = Monday) that may change (default: today in this
        /// week, else 0).
        var fromDay: Int?
    }

    func register(on api: RouterGroup<AppRequestContext>) {
        let plans = RehabPlans(bookings: bookings)
        api.post("/rehab/plans") { request, context in
            let body = try await JSONResponse.decode(PlanRequest.self, from: request, context: context)
            let access = try context.accessContext()
            try RehabProblem.acting(for: body.organisationId, access)
            let seconds = body.seconds ?? 20
            if let fromDay = body.fromDay, !(0...6).contains(fromDay) {
                throw Problem(.unprocessableContent, "invalid-body", detail: "fromDay must be 0 to 6.")
            }
            let plan = try await RehabProblem.map {
                let export = try await bookings.exportWeek(clinic: body.organisationId, week: body.week, notBefore: Date(), as: access)
                let id = try await plans.queue(clinic: body.organisationId, week: body.week, seconds: seconds, export: export, as: access)
                var replan: (booked: [ScheduleRow], fromDay: Int)?
                if body.replan == true {
                    let settings = try await RehabResources(pool: bookings.pool).settings(body.organisationId, as: access)
                    let today = body.week.days(to: settings.local(Date()).day)
                    replan = (
                        try await plans.bookedRows(clinic: body.organisationId, week: body.week, as: access),
                        body.fromDay ?? min(max(today, 0), 6)
                    )
                }
                await runner.enqueue(.init(plan: id, week: export.week, seconds: seconds, replan: replan, context: access))
                return try await plans.plan(id, as: access)
            }
            guard let plan else { throw Problem(.notFound, "not-found", detail: "The plan is not accessible to you.") }
            var response = try JSONResponse.make(plan, status: .accepted)
            response.headers[.location] = "/api/v1/rehab/plans/\(plan.id.uuidString.lowercased())"
            return response
        }
        api.get("/rehab/plans/:id") { _, context in
            let id = try QueryParameter.id(context, "plan")
            guard let plan = try await RehabProblem.map({ try await plans.plan(id, as: try context.accessContext()) }) else {
                throw Problem(.notFound, "not-found", detail: "No plan with that id is accessible to you.")
            }
            return try JSONResponse.make(plan)
        }
        api.post("/rehab/plans/:id/publish") { _, context in
            let id = try QueryParameter.id(context, "plan")
            return try JSONResponse.make(try await RehabProblem.map { try await plans.publish(id, as: try context.accessContext()) })
        }
        api.post("/rehab/plans/:id/discard") { _, context in
            let id = try QueryParameter.id(context, "plan")
            guard try await RehabProblem.map({ try await plans.discard(id, as: try context.accessContext()) }) else {
                throw Problem(.notFound, "not-found", detail: "No finished, unpublished plan with that id is accessible to you.")
            }
            return Response(status: .noContent)
        }
    }
}
