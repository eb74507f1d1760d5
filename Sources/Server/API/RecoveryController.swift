import Clinical
import Foundation
import Hummingbird
import Recovery
import Storage

/// A patient's recovery: the projection (curve, bands, observations, therapy, versions), the
/// parameter estimates with their χ² test, what-if schedules, and the observations and
/// therapy from elsewhere it is fitted to.
struct RecoveryController: Sendable {
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
    struct Parameters: Encodable, ResponseEncodable {
        var patientId: UUID
        var model: String
        var parameterVersion: String
        var recoveryClass: RecoveryReport.ClassBasis
        var estimates: RecoveryOutlook.Estimates?
        var missing: [Notice]
    }

    struct Records: Encodable, ResponseEncodable {
        var observations: [RecoveryObservation]
        var therapyElsewhere: [TherapyElsewhere]
    }

    var endpoints: RouteCollection<AppRequestContext> {
        RouteCollection(context: AppRequestContext.self)
            .get("/patients/:id/recovery", use: report)
            .get("/patients/:id/recovery/parameters", use: parameters)
            .post("/patients/:id/recovery/whatif", use: whatIf)
            .get("/patients/:id/recovery/observations", use: observations)
            .post("/patients/:id/recovery/observations", use: record)
            .post("/recovery/observations/:id/withdraw", use: withdraw)
            .post("/patients/:id/recovery/therapy", use: enterTherapy)
    }

    @Sendable func report(_ request: Request, context: AppRequestContext) async throws -> some ResponseGenerator {
        (try await report(context))
    }

    @Sendable func parameters(_ request: Request, context: AppRequestContext) async throws -> some ResponseGenerator {
        let report = try await report(context)
        return
            (Parameters(
                patientId: report.patientId, model: report.outlook?.model ?? RecoveryModel.version,
                parameterVersion: report.outlook?.parameterVersion ?? projections.projector.recovery.version, recoveryClass: report.recoveryClass,
                estimates: report.outlook?.estimates, missing: report.missing))
    }

    @Sendable func whatIf(_ request: Request, context: AppRequestContext) async throws -> some ResponseGenerator {
        let patient = try QueryParameter.patientID(context)
        let proposal = try await request.decode(as: RecoveryProposal.self, context: context)
        let access = try context.accessContext()
        guard let outlook = try await projections.whatIf(patient, proposal: proposal, as: access) else {
            throw Refusal.unknownPatientRecord
        }
        return outlook
    }

    @Sendable func observations(_ request: Request, context: AppRequestContext) async throws -> some ResponseGenerator {
        let patient = try QueryParameter.patientID(context)
        guard let found = try await records.records(patient, as: try context.accessContext()) else {
            throw Refusal.unknownPatientRecord
        }
        return Records(observations: found.observations, therapyElsewhere: found.elsewhere)
    }

    @Sendable func record(_ request: Request, context: AppRequestContext) async throws -> some ResponseGenerator {
        let patient = try QueryParameter.patientID(context)
        let body = try await request.decode(as: ObservationBody.self, context: context)
        try TimeRules.checkPast(body.observedAt, field: "observedAt", now: Date())
        let observation = RecoveryObservation(
            patientId: patient, instrument: body.instrument, observedAt: body.observedAt, value: body.value,
            rater: body.rater, note: body.note)
        return answer(try await records.record(observation, as: try context.accessContext()), status: .created)
    }

    @Sendable func withdraw(_ request: Request, context: AppRequestContext) async throws -> some ResponseGenerator {
        let id = try QueryParameter.id(context, "observation")
        let body = try await request.decode(as: WithdrawBody.self, context: context)
        guard try await records.withdraw(id, reason: body.reason, as: try context.accessContext()) else {
            throw Refusal.notFound("No current observation with that id was recorded by your organisation.")
        }
        return Response(status: .noContent)
    }

    @Sendable func enterTherapy(_ request: Request, context: AppRequestContext) async throws -> some ResponseGenerator {
        let patient = try QueryParameter.patientID(context)
        let body = try await request.decode(as: TherapyBody.self, context: context)
        let therapy = TherapyElsewhere(
            patientId: patient, modelInput: body.modelInput, firstDay: body.firstDay, lastDay: body.lastDay,
            minutesPerDay: body.minutesPerDay, place: body.place)
        return answer(try await records.enter(therapy, as: try context.accessContext()), status: .created)
    }

    private func report(_ context: AppRequestContext) async throws -> RecoveryReport {
        let patient = try QueryParameter.patientID(context)
        guard let report = try await projections.report(patient, as: try context.accessContext()) else {
            throw Refusal.unknownPatientRecord
        }
        return report
    }
}
