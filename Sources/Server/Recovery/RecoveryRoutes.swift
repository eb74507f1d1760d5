import Clinical
import Foundation
import Hummingbird
import Recovery
import Storage

/// A patient's recovery: the projection (curve, bands, observations, therapy, versions), the
/// parameter estimates with their χ² test, what-if schedules, and the observations and
/// therapy from elsewhere it is fitted to.
struct RecoveryRoutes: Sendable {
    let projections: RecoveryProjections
    let records: RecoveryRecords

    /// An observation as the API takes it: the patient comes from the path.
    struct ObservationBody: Decodable {
        var instrument: Instrument
        var observedAt: Date
        var value: Int
        var rater: String
        var note: String?
    }

    /// Therapy from elsewhere as the API takes it.
    struct TherapyBody: Decodable {
        var modelInput: String
        var firstDay: CalendarDay
        var lastDay: CalendarDay
        var minutesPerDay: Int
        var place: String
    }

    struct WithdrawBody: Decodable {
        var reason: String
    }

    /// The estimates alone, with the versions and what is missing.
    struct Parameters: Encodable {
        var patientId: UUID
        var model: String
        var parameterVersion: String
        var recoveryClass: RecoveryReport.ClassBasis
        var estimates: RecoveryOutlook.Estimates?
        var missing: [String]
    }

    struct Records: Encodable {
        var observations: [RecoveryObservation]
        var therapyElsewhere: [TherapyElsewhere]
    }

    func register(on api: RouterGroup<AppRequestContext>) {
        api.get("/patients/:id/recovery") { _, context in
            try JSONResponse.make(try await report(context))
        }
        api.get("/patients/:id/recovery/parameters") { _, context in
            let report = try await report(context)
            return try JSONResponse.make(
                Parameters(
                    patientId: report.patientId, model: report.outlook?.model ?? RecoveryModel.version,
                    parameterVersion: report.outlook?.parameterVersion ?? projections.projector.recovery.version, recoveryClass: report.recoveryClass,
                    estimates: report.outlook?.estimates, missing: report.missing))
        }
        api.post("/patients/:id/recovery/whatif") { request, context in
            let patient = try QueryParameter.patientID(context)
            let proposal = try await JSONResponse.decode(RecoveryProposal.self, from: request, context: context)
            let access = try context.accessContext()
            guard let outlook = try await projections.whatIf(patient, proposal: proposal, as: access) else {
                throw Refusal.unknownPatientRecord
            }
            return try JSONResponse.make(outlook)
        }
        api.get("/patients/:id/recovery/observations") { _, context in
            let patient = try QueryParameter.patientID(context)
            guard let found = try await records.records(patient, as: try context.accessContext()) else {
                throw Refusal.unknownPatientRecord
            }
            return try JSONResponse.make(Records(observations: found.observations, therapyElsewhere: found.elsewhere))
        }
        api.post("/patients/:id/recovery/observations") { request, context in
            let patient = try QueryParameter.patientID(context)
            let body = try await JSONResponse.decode(ObservationBody.self, from: request, context: context)
            let observation = RecoveryObservation(
                patientId: patient, instrument: body.instrument, observedAt: body.observedAt, value: body.value,
                rater: body.rater, note: body.note)
            return try JSONResponse.make(
                try await records.record(observation, as: try context.accessContext()),
                status: .created)
        }
        api.post("/recovery/observations/:id/withdraw") { request, context in
            let id = try QueryParameter.id(context, "observation")
            let body = try await JSONResponse.decode(WithdrawBody.self, from: request, context: context)
            guard try await records.withdraw(id, reason: body.reason, as: try context.accessContext()) else {
                throw Refusal.notFound("No current observation with that id was recorded by your organisation.")
            }
            return Response(status: .noContent)
        }
        api.post("/patients/:id/recovery/therapy") { request, context in
            let patient = try QueryParameter.patientID(context)
            let body = try await JSONResponse.decode(TherapyBody.self, from: request, context: context)
            let therapy = TherapyElsewhere(
                patientId: patient, modelInput: body.modelInput, firstDay: body.firstDay, lastDay: body.lastDay,
                minutesPerDay: body.minutesPerDay, place: body.place)
            return try JSONResponse.make(try await records.enter(therapy, as: try context.accessContext()), status: .created)
        }
    }

    private func report(_ context: AppRequestContext) async throws -> RecoveryReport {
        let patient = try QueryParameter.patientID(context)
        guard let report = try await projections.report(patient, as: try context.accessContext()) else {
            throw Refusal.unknownPatientRecord
        }
        return report
    }
}
