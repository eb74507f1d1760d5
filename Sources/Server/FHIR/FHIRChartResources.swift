import Clinical
import Foundation
import Storage

/// Every resource of one patient's chart: the patient, the organisations named, each acute
/// episode and evaluation, each assessment, each rehab stay with its prescriptions, each place
/// in a session with the session's slot, therapist and room.
struct FHIRChartResources: Sendable {
    let codes: FHIRCodes
    /// The hospitals' time zone: which day is today, where a day begins.
    let zone: TimeZone

    func resources(of chart: PatientChart) -> [FHIRResource] {
        let today = CalendarDay.today(in: zone)
        let acute = FHIRAcuteResources(codes: codes)
        let evaluations = FHIREvaluationResources(codes: codes)
        let rehab = FHIRRehabResources(codes: codes, zone: zone)
        let assessments = FHIRAssessmentResources(codes: codes)
        let clinic = FHIRClinicResources(codes: codes)
        let patient = chart.patient.id
        // Each episode's latest evaluation says what was entered; an earlier one's entries are not new measurements.
        let latest = Set(Dictionary(grouping: chart.evaluations, by: { $0.episodeId }).values.compactMap { $0.last?.id })
        let therapists = Set(chart.therapists.map(\.id))
        let rooms = Set(chart.rooms.map(\.id))
        // A session's slot only where its room (and so the slot's schedule) is one the caller sees.
        let slots = chart.sessions.map(\.slot).filter { rooms.contains($0.roomId) && !$0.cancelled }.map(clinic.slot)
        return [FHIRPatientResources.patient(chart.patient)]
            + chart.episodes.flatMap { acute.resources($0, mrs90: chart.mrs90[$0.id], evaluations: chart.evaluations) }
            + chart.evaluations.flatMap { evaluations.resources($0, patient: patient, measurements: latest.contains($0.id)) }
            + chart.observations.compactMap(assessments.resource)
            + chart.stays.flatMap { rehab.resources($0, prescriptions: chart.prescriptions, today: today) }
            + chart.sessions.map { clinic.appointment($0, patient: patient, therapists: therapists, rooms: rooms) } + slots
            + chart.therapists.flatMap(clinic.practitioner) + chart.rooms.flatMap(clinic.location)
            + chart.organisations.map(FHIRPatientResources.organisation)
    }
}
