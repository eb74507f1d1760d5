import Clinical
import Foundation
import Hummingbird
import Storage

/// Booking, moving, cancelling and joining sessions, attendance, and timetables.
struct RehabSessionController: Sendable {
    let bookings: RehabSessions
    let resources: RehabResources

    struct BookingBody: Decodable {
        var organisationId: UUID
        var modality: String
        var therapistId: UUID?
        var roomId: UUID
        var start: Date
        var end: Date
        var maxParticipants: Int?
        var patients: [UUID]
    }

    /// A move: any of a new time, therapist (null: none) or room.
    struct MoveBody: Decodable {
        var start: Date?
        var end: Date?
        var therapistId: UUID??
        var roomId: UUID?

        enum CodingKeys: String, CodingKey { case start, end, therapistId, roomId }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            start = try container.decodeIfPresent(Date.self, forKey: .start)
            end = try container.decodeIfPresent(Date.self, forKey: .end)
            therapistId = container.contains(.therapistId) ? .some(try container.decodeIfPresent(UUID.self, forKey: .therapistId)) : nil
            roomId = try container.decodeIfPresent(UUID.self, forKey: .roomId)
        }
    }

    struct CancelBody: Decodable {
        var reason: String
        /// Only this patient's place in a group.
        var patientId: UUID?
    }

    struct JoinBody: Decodable {
        var patientId: UUID
    }

    struct AttendanceBody: Decodable {
        var patientId: UUID
        var attendance: String
        var minutesDelivered: Int?
        var note: String?
    }

    var endpoints: RouteCollection<AppRequestContext> {
        RouteCollection(context: AppRequestContext.self)
            .post("/rehab/sessions", use: book)
            .get("/rehab/sessions/:id", use: session)
            .patch("/rehab/sessions/:id", use: move)
            .post("/rehab/sessions/:id/cancel", use: cancel)
            .post("/rehab/sessions/:id/participants", use: join)
            .put("/rehab/sessions/:id/attendance", use: recordAttendance)
            .get("/rehab/timetable", use: timetable)
    }

    @Sendable func book(_ request: Request, context: AppRequestContext) async throws -> some ResponseGenerator {
        let body = try await request.decode(as: BookingBody.self, context: context)
        let access = try context.accessContext()
        try access.requireActing(for: body.organisationId)
        let booking = RehabBookingRequest(
            organisation: body.organisationId, modality: body.modality, therapist: body.therapistId, room: body.roomId,
            start: body.start, end: body.end, maxParticipants: body.maxParticipants, patients: body.patients)
        let entry = try await bookings.book(booking, as: access)
        return answer(await RehabSessionAnswer.make(entry, bookings: bookings, as: access), status: .created)
    }

    @Sendable func session(_ request: Request, context: AppRequestContext) async throws -> some ResponseGenerator {
        try await session(try QueryParameter.id(context, "session"), try context.accessContext())
    }

    @Sendable func move(_ request: Request, context: AppRequestContext) async throws -> some ResponseGenerator {
        let id = try QueryParameter.id(context, "session")
        let body = try await request.decode(as: MoveBody.self, context: context)
        let access = try context.accessContext()
        try await bookings.move(id, start: body.start, end: body.end, therapist: body.therapistId, room: body.roomId, as: access)
        return try await session(id, access)
    }

    @Sendable func cancel(_ request: Request, context: AppRequestContext) async throws -> some ResponseGenerator {
        let id = try QueryParameter.id(context, "session")
        let body = try await request.decode(as: CancelBody.self, context: context)
        guard
            let outcome = try await bookings.cancel(id, patient: body.patientId, reason: body.reason, as: try context.accessContext())
        else {
            throw Refusal.notFound("No booked session with that id is accessible to you.")
        }
        return outcome
    }

    @Sendable func join(_ request: Request, context: AppRequestContext) async throws -> some ResponseGenerator {
        let id = try QueryParameter.id(context, "session")
        let body = try await request.decode(as: JoinBody.self, context: context)
        let access = try context.accessContext()
        try await bookings.join(id, patient: body.patientId, as: access)
        return try await session(id, access)
    }

    @Sendable func recordAttendance(_ request: Request, context: AppRequestContext) async throws -> some ResponseGenerator {
        let id = try QueryParameter.id(context, "session")
        let body = try await request.decode(as: AttendanceBody.self, context: context)
        let access = try context.accessContext()
        let record = AttendanceRecord(attendance: body.attendance, minutesDelivered: body.minutesDelivered, note: body.note)
        guard try await bookings.recordAttendance(record, session: id, patient: body.patientId, as: access) else {
            throw Refusal.notFound("That patient is not booked on a session with that id accessible to you.")
        }
        return try await session(id, access)
    }

    @Sendable func timetable(_ request: Request, context: AppRequestContext) async throws -> some ResponseGenerator {
        let access = try context.accessContext()
        let query = try await timetableQuery(request, access)
        return try await bookings.timetable(query, as: access)
    }

    /// The timetable a request asks for: `from` (a day, default this week's Monday) for `days`
    /// days (default 7) of the clinic, for one therapist, room or patient when named.
    func timetableQuery(_ request: Request, _ access: AccessContext) async throws -> TimetableQuery {
        let clinic = try QueryParameter.clinic(request, access)
        let settings = try await resources.settings(clinic, as: access)
        let today = settings.local(Date()).day
        let from = try QueryParameter.day(request, "from") ?? today.adding(days: -today.weekday)
        let days = try QueryParameter.integer(request, "days", default: 7, range: 1...42)
        return TimetableQuery(
            clinic: clinic, from: settings.instant(from, ClockTime(clamping: 0)),
            to: settings.instant(from.adding(days: days), ClockTime(clamping: 0)),
            therapist: try QueryParameter.uuid(request, "therapist"), room: try QueryParameter.uuid(request, "room"),
            patient: try QueryParameter.uuid(request, "patient"),
            includeCancelled: request.uri.queryParameters["cancelled"] == "true")
    }

    private func session(_ id: UUID, _ access: AccessContext, status: HTTPResponse.Status = .ok) async throws -> EditedResponse<RehabSessionAnswer> {
        guard let entry = try await bookings.session(id, as: access) else {
            throw Refusal.notFound("No session with that id is accessible to you.")
        }
        return answer(await RehabSessionAnswer.make(entry, bookings: bookings, as: access), status: status)
    }
}
