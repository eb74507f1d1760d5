import Clinical
import Foundation
import Hummingbird
import Rehabilitation
import Storage

/// Weekly plans: solve a clinic's week in the background (progress in the plan), review the
/// schedule with its score and the sessions it could not place, then publish (book) or discard.
struct RehabPlanController: Sendable {
    let planning: RehabPlanning
    var plans: RehabPlans { planning.plans }

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

    var endpoints: RouteCollection<AppRequestContext> {
        RouteCollection(context: AppRequestContext.self)
            .post("/rehab/plans", use: plan)
            .get("/rehab/plans/:id", use: read)
            .post("/rehab/plans/:id/publish", use: publish)
            .post("/rehab/plans/:id/discard", use: discard)
    }

    @Sendable func plan(_ request: Request, context: AppRequestContext) async throws -> some ResponseGenerator {
        let body = try await request.decode(as: PlanRequest.self, context: context)
        let plan = try await planning.plan(
            clinic: body.organisationId, week: body.week, seconds: body.seconds ?? 20, replan: body.replan == true, fromDay: body.fromDay,
            as: try context.accessContext())
        return answer(plan, status: .accepted, location: "/api/v1/rehab/plans/\(plan.id.uuidString.lowercased())")
    }

    @Sendable func read(_ request: Request, context: AppRequestContext) async throws -> some ResponseGenerator {
        let id = try QueryParameter.id(context, "plan")
        guard let plan = try await plans.plan(id, as: try context.accessContext()) else {
            throw Refusal.notFound("No plan with that id is accessible to you.")
        }
        return plan
    }

    @Sendable func publish(_ request: Request, context: AppRequestContext) async throws -> some ResponseGenerator {
        let id = try QueryParameter.id(context, "plan")
        return try await plans.publish(id, as: try context.accessContext())
    }

    @Sendable func discard(_ request: Request, context: AppRequestContext) async throws -> some ResponseGenerator {
        let id = try QueryParameter.id(context, "plan")
        guard try await plans.discard(id, as: try context.accessContext()) else {
            throw Refusal.notFound("No finished, unpublished plan with that id is accessible to you.")
        }
        return Response(status: .noContent)
    }

}
