import Clinical
import Foundation
import Hummingbird
import Storage

/// Recurring series (each occurrence a booking of its own) and the waitlist.
struct RehabSeriesRoutes: Sendable {
    let bookings: RehabSessions
    let waitlist: RehabWaitlist

    func register(on api: RouterGroup<AppRequestContext>) {
        api.post("/rehab/series") { request, context in
            let series = try await JSONResponse.decode(RehabSeries.self, from: request, context: context)
            let access = try context.accessContext()
            try access.requireActing(for: series.organisationId)
            return try JSONResponse.make(try await bookings.createSeries(series, as: access), status: .created)
        }
        api.get("/rehab/series/:id") { _, context in
            let id = try QueryParameter.id(context, "series")
            guard let series = try await bookings.series(id, as: try context.accessContext()) else {
                throw Refusal.notFound("No series with that id is accessible to you.")
            }
            return try JSONResponse.make(series)
        }
        api.patch("/rehab/series/:id") { request, context in
            let id = try QueryParameter.id(context, "series")
            let change = try await JSONResponse.decode(RehabSeriesChange.self, from: request, context: context)
            return try JSONResponse.make(try await bookings.editSeries(id, change, as: try context.accessContext()))
        }

        api.get("/rehab/waitlist") { request, context in
            let clinic = try QueryParameter.uuid(request, "clinic")
            return try JSONResponse.make(try await waitlist.entries(clinic: clinic, as: try context.accessContext()))
        }
        api.post("/rehab/waitlist") { request, context in
            let entry = try await JSONResponse.decode(WaitlistEntry.self, from: request, context: context)
            let access = try context.accessContext()
            try access.requireActing(for: entry.organisationId)
            return try JSONResponse.make(try await waitlist.add(entry, as: access), status: .created)
        }
        api.post("/rehab/waitlist/:id/accept") { _, context in
            let id = try QueryParameter.id(context, "waitlist entry")
            let access = try context.accessContext()
            let session = try await waitlist.accept(id, as: access)
            guard let entry = try await bookings.session(session, as: access) else {
                throw Refusal.notFound("The booked session is not accessible to you.")
            }
            return try JSONResponse.make(entry, status: .created)
        }
        api.post("/rehab/waitlist/:id/decline") { _, context in
            let id = try QueryParameter.id(context, "waitlist entry")
            try await waitlist.decline(id, as: try context.accessContext())
            return Response(status: .noContent)
        }
    }
}
