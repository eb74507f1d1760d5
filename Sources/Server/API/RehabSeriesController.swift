import Clinical
import Foundation
import Hummingbird
import Storage

/// Recurring series (each occurrence a booking of its own) and the waitlist.
struct RehabSeriesController: Sendable {
    let bookings: RehabSessions
    let waitlist: RehabWaitlist

    var endpoints: RouteCollection<AppRequestContext> {
        RouteCollection(context: AppRequestContext.self)
            .post("/rehab/series", use: createSeries)
            .get("/rehab/series/:id", use: series)
            .patch("/rehab/series/:id", use: editSeries)
            .get("/rehab/waitlist", use: waitlist)
            .post("/rehab/waitlist", use: addToWaitlist)
            .post("/rehab/waitlist/:id/accept", use: accept)
            .post("/rehab/waitlist/:id/decline", use: decline)
    }

    @Sendable func createSeries(_ request: Request, context: AppRequestContext) async throws -> some ResponseGenerator {
        let series = try await request.decode(as: RehabSeries.self, context: context)
        let access = try context.accessContext()
        try access.requireActing(for: series.organisationId)
        return answer(try await bookings.createSeries(series, as: access), status: .created)
    }

    @Sendable func series(_ request: Request, context: AppRequestContext) async throws -> some ResponseGenerator {
        let id = try QueryParameter.id(context, "series")
        guard let series = try await bookings.series(id, as: try context.accessContext()) else {
            throw Refusal.notFound("No series with that id is accessible to you.")
        }
        return series
    }

    @Sendable func editSeries(_ request: Request, context: AppRequestContext) async throws -> some ResponseGenerator {
        let id = try QueryParameter.id(context, "series")
        let change = try await request.decode(as: RehabSeriesChange.self, context: context)
        return try await bookings.editSeries(id, change, as: try context.accessContext())
    }

    @Sendable func waitlist(_ request: Request, context: AppRequestContext) async throws -> some ResponseGenerator {
        let clinic = try QueryParameter.uuid(request, "clinic")
        return try await waitlist.entries(clinic: clinic, as: try context.accessContext())
    }

    @Sendable func addToWaitlist(_ request: Request, context: AppRequestContext) async throws -> some ResponseGenerator {
        let entry = try await request.decode(as: WaitlistEntry.self, context: context)
        let access = try context.accessContext()
        try access.requireActing(for: entry.organisationId)
        return answer(try await waitlist.add(entry, as: access), status: .created)
    }

    @Sendable func accept(_ request: Request, context: AppRequestContext) async throws -> some ResponseGenerator {
        let id = try QueryParameter.id(context, "waitlist entry")
        let access = try context.accessContext()
        let session = try await waitlist.accept(id, as: access)
        guard let entry = try await bookings.session(session, as: access) else {
            throw Refusal.notFound("The booked session is not accessible to you.")
        }
        return answer(entry, status: .created)
    }

    @Sendable func decline(_ request: Request, context: AppRequestContext) async throws -> some ResponseGenerator {
        let id = try QueryParameter.id(context, "waitlist entry")
        try await waitlist.decline(id, as: try context.accessContext())
        return Response(status: .noContent)
    }

}
