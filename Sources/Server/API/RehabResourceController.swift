import Clinical
import Foundation
import Hummingbird
import Storage

/// The clinic's grid, therapists with their week and leave, rooms and pools with their hours.
/// No patient data.
struct RehabResourceController: Sendable {
    let resources: RehabResources

    struct LeaveRequest: Decodable {
        var start: Date
        var end: Date
        var reason: String
    }

    var endpoints: RouteCollection<AppRequestContext> {
        RouteCollection(context: AppRequestContext.self)
            .get("/rehab/clinics/:id/settings", use: settings)
            .put("/rehab/clinics/:id/settings", use: saveSettings)
            .get("/rehab/therapists", use: therapists)
            .post("/rehab/therapists", use: createTherapist)
            .get("/rehab/therapists/:id", use: therapist)
            .put("/rehab/therapists/:id", use: updateTherapist)
            .get("/rehab/therapists/:id/leave", use: leave)
            .post("/rehab/therapists/:id/leave", use: addLeave)
            .delete("/rehab/leave/:id", use: removeLeave)
            .get("/rehab/rooms", use: rooms)
            .post("/rehab/rooms", use: createRoom)
            .get("/rehab/rooms/:id", use: room)
            .put("/rehab/rooms/:id", use: updateRoom)
    }

    @Sendable func settings(_ request: Request, context: AppRequestContext) async throws -> some ResponseGenerator {
        let clinic = try QueryParameter.id(context, "clinic")
        let access = try context.accessContext()
        guard access.organisations.contains(clinic) else {
            throw Refusal.notFound("No clinic with that id is one you act for.")
        }
        return try await resources.settings(clinic, as: access)
    }

    @Sendable func saveSettings(_ request: Request, context: AppRequestContext) async throws -> some ResponseGenerator {
        let clinic = try QueryParameter.id(context, "clinic")
        let settings = try await request.decode(as: ClinicSettings.self, context: context)
        let access = try context.accessContext()
        guard access.organisations.contains(clinic) else {
            throw Refusal.notFound("No clinic with that id is one you act for.")
        }
        try await resources.save(settings, clinic: clinic, as: access)
        return settings
    }

    @Sendable func therapists(_ request: Request, context: AppRequestContext) async throws -> some ResponseGenerator {
        let clinic = try QueryParameter.uuid(request, "clinic")
        return try await resources.therapists(clinic: clinic, as: try context.accessContext())
    }

    @Sendable func createTherapist(_ request: Request, context: AppRequestContext) async throws -> some ResponseGenerator {
        let therapist = try await request.decode(as: RehabTherapist.self, context: context)
        let access = try context.accessContext()
        try access.requireActing(for: therapist.organisationId)
        return answer(try await resources.create(therapist, as: access), status: .created)
    }

    @Sendable func therapist(_ request: Request, context: AppRequestContext) async throws -> some ResponseGenerator {
        let id = try QueryParameter.id(context, "therapist")
        guard let therapist = try await resources.therapist(id, as: try context.accessContext()) else {
            throw Refusal.notFound("No therapist with that id is accessible to you.")
        }
        return therapist
    }

    @Sendable func updateTherapist(_ request: Request, context: AppRequestContext) async throws -> some ResponseGenerator {
        let id = try QueryParameter.id(context, "therapist")
        var therapist = try await request.decode(as: RehabTherapist.self, context: context)
        guard try await resources.update(id, therapist, as: try context.accessContext()) else {
            throw Refusal.notFound("No therapist with that id is accessible to you.")
        }
        therapist.id = id
        return therapist
    }

    @Sendable func leave(_ request: Request, context: AppRequestContext) async throws -> some ResponseGenerator {
        let id = try QueryParameter.id(context, "therapist")
        let (from, to) = try QueryParameter.dateRange(
            request, defaultFrom: { to in min(Date(), to ?? .now).addingTimeInterval(-30 * 86_400) }, defaultTo: { $0.addingTimeInterval(365 * 86_400) })
        return try await resources.leave(of: id, from: from, to: to, as: try context.accessContext())
    }

    @Sendable func addLeave(_ request: Request, context: AppRequestContext) async throws -> some ResponseGenerator {
        let id = try QueryParameter.id(context, "therapist")
        let body = try await request.decode(as: LeaveRequest.self, context: context)
        let leave = TherapistLeave(therapistId: id, start: body.start, end: body.end, reason: body.reason)
        guard let stored = try await resources.addLeave(leave, as: try context.accessContext()) else {
            throw Refusal.notFound("No therapist with that id is accessible to you.")
        }
        return answer(stored, status: .created)
    }

    @Sendable func removeLeave(_ request: Request, context: AppRequestContext) async throws -> some ResponseGenerator {
        let id = try QueryParameter.id(context, "leave")
        guard try await resources.removeLeave(id, as: try context.accessContext()) else {
            throw Refusal.notFound("No leave with that id is accessible to you.")
        }
        return Response(status: .noContent)
    }

    @Sendable func rooms(_ request: Request, context: AppRequestContext) async throws -> some ResponseGenerator {
        let clinic = try QueryParameter.uuid(request, "clinic")
        return try await resources.rooms(clinic: clinic, as: try context.accessContext())
    }

    @Sendable func createRoom(_ request: Request, context: AppRequestContext) async throws -> some ResponseGenerator {
        let room = try await request.decode(as: RehabRoom.self, context: context)
        let access = try context.accessContext()
        try access.requireActing(for: room.organisationId)
        return answer(try await resources.create(room, as: access), status: .created)
    }

    @Sendable func room(_ request: Request, context: AppRequestContext) async throws -> some ResponseGenerator {
        let id = try QueryParameter.id(context, "room")
        guard let room = try await resources.room(id, as: try context.accessContext()) else {
            throw Refusal.notFound("No room with that id is accessible to you.")
        }
        return room
    }

    @Sendable func updateRoom(_ request: Request, context: AppRequestContext) async throws -> some ResponseGenerator {
        let id = try QueryParameter.id(context, "room")
        var room = try await request.decode(as: RehabRoom.self, context: context)
        guard try await resources.update(id, room, as: try context.accessContext()) else {
            throw Refusal.notFound("No room with that id is accessible to you.")
        }
        room.id = id
        return room
    }

}
