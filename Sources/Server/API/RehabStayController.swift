import Clinical
import Foundation
import Hummingbird
import Storage

/// Patients' rehab stays, their prescriptions, and the dose delivered against both and
/// against the guideline targets.
struct RehabStayController: Sendable {
    let stays: RehabStays
    let bookings: RehabSessions

    /// A prescription as the API takes it: the stay comes from the path.
    struct PrescriptionBody: Decodable {
        var modality: String
        var sessionsPerWeek: Int
        var sessionMinutes: Int
        var maxPerDay: Int?
        var startsOn: CalendarDay
        var endsOn: CalendarDay?
    }

    var endpoints: RouteCollection<AppRequestContext> {
        RouteCollection(context: AppRequestContext.self)
            .get("/rehab/stays", use: stays)
            .post("/rehab/stays", use: admit)
            .get("/rehab/stays/:id", use: stay)
            .put("/rehab/stays/:id", use: updateStay)
            .get("/rehab/stays/:id/prescriptions", use: prescriptions)
            .post("/rehab/stays/:id/prescriptions", use: prescribe)
            .put("/rehab/prescriptions/:id", use: updatePrescription)
            .get("/rehab/patients/:id/dose", use: dose)
    }

    @Sendable func stays(_ request: Request, context: AppRequestContext) async throws -> some ResponseGenerator {
        let clinic = try QueryParameter.uuid(request, "clinic")
        let day = try QueryParameter.day(request, "day")
        return try await stays.stays(clinic: clinic, on: day, as: try context.accessContext())
    }

    @Sendable func admit(_ request: Request, context: AppRequestContext) async throws -> some ResponseGenerator {
        let stay = try await request.decode(as: RehabStay.self, context: context)
        let access = try context.accessContext()
        try access.requireActing(for: stay.organisationId)
        return answer(try await stays.create(stay, as: access), status: .created)
    }

    @Sendable func stay(_ request: Request, context: AppRequestContext) async throws -> some ResponseGenerator {
        let id = try QueryParameter.id(context, "stay")
        guard let stay = try await stays.stay(id, as: try context.accessContext()) else {
            throw Refusal.notFound("No stay with that id is accessible to you.")
        }
        return stay
    }

    @Sendable func updateStay(_ request: Request, context: AppRequestContext) async throws -> some ResponseGenerator {
        let id = try QueryParameter.id(context, "stay")
        let stay = try await request.decode(as: RehabStay.self, context: context)
        guard try await stays.update(id, stay, as: try context.accessContext()),
            let stored = try await stays.stay(id, as: try context.accessContext())
        else {
            throw Refusal.notFound("No stay with that id is accessible to you.")
        }
        return stored
    }

    @Sendable func prescriptions(_ request: Request, context: AppRequestContext) async throws -> some ResponseGenerator {
        let id = try QueryParameter.id(context, "stay")
        return try await stays.prescriptions(stay: id, as: try context.accessContext())
    }

    @Sendable func prescribe(_ request: Request, context: AppRequestContext) async throws -> some ResponseGenerator {
        let id = try QueryParameter.id(context, "stay")
        let body = try await request.decode(as: PrescriptionBody.self, context: context)
        let prescription = RehabPrescription(
            stayId: id, modality: body.modality, sessionsPerWeek: body.sessionsPerWeek, sessionMinutes: body.sessionMinutes,
            maxPerDay: body.maxPerDay ?? 1, startsOn: body.startsOn, endsOn: body.endsOn)
        guard let created = try await stays.prescribe(prescription, as: try context.accessContext()) else {
            throw Refusal.notFound("No stay with that id is accessible to you.")
        }
        return answer(created, status: .created)
    }

    @Sendable func updatePrescription(_ request: Request, context: AppRequestContext) async throws -> some ResponseGenerator {
        let id = try QueryParameter.id(context, "prescription")
        var prescription = try await request.decode(as: RehabPrescription.self, context: context)
        guard try await stays.update(prescription: id, prescription, as: try context.accessContext()) else {
            throw Refusal.notFound("No prescription with that id is accessible to you.")
        }
        prescription.id = id
        return prescription
    }

    @Sendable func dose(_ request: Request, context: AppRequestContext) async throws -> some ResponseGenerator {
        let patient = try QueryParameter.patientID(context)
        let (from, to) = try QueryParameter.dayRange(
            request, defaultTo: { ClinicSettings.standard.local(Date()).day }, defaultFrom: { $0.adding(days: -6) })
        guard let dose = try await bookings.dose(patient: patient, from: from, to: to, as: try context.accessContext())
        else {
            throw Refusal.unknownPatientRecord
        }
        return dose
    }

}
