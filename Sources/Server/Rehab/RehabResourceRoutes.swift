import Clinical
import Foundation
import Hummingbird
import Storage

/// The clinic's grid, therapists with their week and leave, rooms and pools with their hours.
/// No patient data.
struct RehabResourceRoutes: Sendable {
    let resources: RehabResources

    struct LeaveRequest: Decodable {
        var start: Date
        var end: Date
        var reason: String
    }

    func register(on api: RouterGroup<AppRequestContext>) {
        api.get("/rehab/clinics/:id/settings") { _, context in
            let clinic = try QueryParameter.id(context, "clinic")
            let access = try context.accessContext()
            guard access.organisations.contains(clinic) else {
                throw Refusal.notFound("No clinic with that id is one you act for.")
            }
            return try JSONResponse.make(try await resources.settings(clinic, as: access))
        }
        api.put("/rehab/clinics/:id/settings") { request, context in
            let clinic = try QueryParameter.id(context, "clinic")
            let settings = try await JSONResponse.decode(ClinicSettings.self, from: request, context: context)
            let access = try context.accessContext()
            guard access.organisations.contains(clinic) else {
                throw Refusal.notFound("No clinic with that id is one you act for.")
            }
            try await resources.save(settings, clinic: clinic, as: access)
            return try JSONResponse.make(settings)
        }

        api.get("/rehab/therapists") { request, context in
            let clinic = try QueryParameter.uuid(request, "clinic")
            return try JSONResponse.make(try await resources.therapists(clinic: clinic, as: try context.accessContext()))
        }
        api.post("/rehab/therapists") { request, context in
            let therapist = try await JSONResponse.decode(RehabTherapist.self, from: request, context: context)
            let access = try context.accessContext()
            try access.requireActing(for: therapist.organisationId)
            return try JSONResponse.make(try await resources.create(therapist, as: access), status: .created)
        }
        api.get("/rehab/therapists/:id") { _, context in
            let id = try QueryParameter.id(context, "therapist")
            guard let therapist = try await resources.therapist(id, as: try context.accessContext()) else {
                throw Refusal.notFound("No therapist with that id is accessible to you.")
            }
            return try JSONResponse.make(therapist)
        }
        api.put("/rehab/therapists/:id") { request, context in
            let id = try QueryParameter.id(context, "therapist")
            var therapist = try await JSONResponse.decode(RehabTherapist.self, from: request, context: context)
            guard try await resources.update(id, therapist, as: try context.accessContext()) else {
                throw Refusal.notFound("No therapist with that id is accessible to you.")
            }
            therapist.id = id
            return try JSONResponse.make(therapist)
        }
        api.get("/rehab/therapists/:id/leave") { request, context in
            let id = try QueryParameter.id(context, "therapist")
            let from = try QueryParameter.date(request, "from") ?? Date().addingTimeInterval(-30 * 86_400)
            let to = try QueryParameter.date(request, "to") ?? from.addingTimeInterval(365 * 86_400)
            return try JSONResponse.make(try await resources.leave(of: id, from: from, to: to, as: try context.accessContext()))
        }
        api.post("/rehab/therapists/:id/leave") { request, context in
            let id = try QueryParameter.id(context, "therapist")
            let body = try await JSONResponse.decode(LeaveRequest.self, from: request, context: context)
            let leave = TherapistLeave(therapistId: id, start: body.start, end: body.end, reason: body.reason)
            guard let stored = try await resources.addLeave(leave, as: try context.accessContext()) else {
                throw Refusal.notFound("No therapist with that id is accessible to you.")
            }
            return try JSONResponse.make(stored, status: .created)
        }
        api.delete("/rehab/leave/:id") { _, context in
            let id = try QueryParameter.id(context, "leave")
            guard try await resources.removeLeave(id, as: try context.accessContext()) else {
                throw Refusal.notFound("No leave with that id is accessible to you.")
            }
            return Response(status: .noContent)
        }

        api.get("/rehab/rooms") { request, context in
            let clinic = try QueryParameter.uuid(request, "clinic")
            return try JSONResponse.make(try await resources.rooms(clinic: clinic, as: try context.accessContext()))
        }
        api.post("/rehab/rooms") { request, context in
            let room = try await JSONResponse.decode(RehabRoom.self, from: request, context: context)
            let access = try context.accessContext()
            try access.requireActing(for: room.organisationId)
            return try JSONResponse.make(try await resources.create(room, as: access), status: .created)
        }
        api.get("/rehab/rooms/:id") { _, context in
            let id = try QueryParameter.id(context, "room")
            guard let room = try await resources.room(id, as: try context.accessContext()) else {
                throw Refusal.notFound("No room with that id is accessible to you.")
            }
            return try JSONResponse.make(room)
        }
        api.put("/rehab/rooms/:id") { request, context in
            let id = try QueryParameter.id(context, "room")
            var room = try await JSONResponse.decode(RehabRoom.self, from: request, context: context)
            guard try await resources.update(id, room, as: try context.accessContext()) else {
                throw Refusal.notFound("No room with that id is accessible to you.")
            }
            room.id = id
            return try JSONResponse.make(room)
        }
    }
}
