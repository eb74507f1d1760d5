import Clinical
import Foundation
import Hummingbird
import Storage

/// Patients' rehab stays, their prescriptions, and the dose delivered against both and
/// against the guideline targets.
struct RehabStayRoutes: Sendable {
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

    func register(on api: RouterGroup<AppRequestContext>) {
        api.get("/rehab/stays") { request, context in
            let clinic = try QueryParameter.uuid(request, "clinic")
            let day = try QueryParameter.day(request, "day")
            return try JSONResponse.make(try await stays.stays(clinic: clinic, on: day, as: try context.accessContext()))
        }
        api.post("/rehab/stays") { request, context in
            let stay = try await JSONResponse.decode(RehabStay.self, from: request, context: context)
            let access = try context.accessContext()
            try access.requireActing(for: stay.organisationId)
            return try JSONResponse.make(try await stays.create(stay, as: access), status: .created)
        }
        api.get("/rehab/stays/:id") { _, context in
            let id = try QueryParameter.id(context, "stay")
            guard let stay = try await stays.stay(id, as: try context.accessContext()) else {
                throw Refusal.notFound("No stay with that id is accessible to you.")
            }
            return try JSONResponse.make(stay)
        }
        api.put("/rehab/stays/:id") { request, context in
            let id = try QueryParameter.id(context, "stay")
            let stay = try await JSONResponse.decode(RehabStay.self, from: request, context: context)
            guard try await stays.update(id, stay, as: try context.accessContext()),
                let stored = try await stays.stay(id, as: try context.accessContext())
            else {
                throw Refusal.notFound("No stay with that id is accessible to you.")
            }
            return try JSONResponse.make(stored)
        }
        api.get("/rehab/stays/:id/prescriptions") { _, context in
            let id = try QueryParameter.id(context, "stay")
            return try JSONResponse.make(try await stays.prescriptions(stay: id, as: try context.accessContext()))
        }
        api.post("/rehab/stays/:id/prescriptions") { request, context in
            let id = try QueryParameter.id(context, "stay")
            let body = try await JSONResponse.decode(PrescriptionBody.self, from: request, context: context)
            let prescription = RehabPrescription(
                stayId: id, modality: body.modality, sessionsPerWeek: body.sessionsPerWeek, sessionMinutes: body.sessionMinutes,
                maxPerDay: body.maxPerDay ?? 1, startsOn: body.startsOn, endsOn: body.endsOn)
            guard let created = try await stays.prescribe(prescription, as: try context.accessContext()) else {
                throw Refusal.notFound("No stay with that id is accessible to you.")
            }
            return try JSONResponse.make(created, status: .created)
        }
        api.put("/rehab/prescriptions/:id") { request, context in
            let id = try QueryParameter.id(context, "prescription")
            var prescription = try await JSONResponse.decode(RehabPrescription.self, from: request, context: context)
            guard try await stays.update(prescription: id, prescription, as: try context.accessContext()) else {
                throw Refusal.notFound("No prescription with that id is accessible to you.")
            }
            prescription.id = id
            return try JSONResponse.make(prescription)
        }
        api.get("/rehab/patients/:id/dose") { request, context in
            let patient = try QueryParameter.patientID(context)
            let to = try QueryParameter.day(request, "to") ?? ClinicSettings.standard.local(Date()).day
            let from = try QueryParameter.day(request, "from") ?? to.adding(days: -6)
            guard let dose = try await bookings.dose(patient: patient, from: from, to: to, as: try context.accessContext())
            else {
                throw Refusal.unknownPatientRecord
            }
            return try JSONResponse.make(dose)
        }
    }
}
