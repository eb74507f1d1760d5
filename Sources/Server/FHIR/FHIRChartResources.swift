import Clinical
import Foundation
import Storage

/// Every resource of one patient's chart: the patient, the organisations named, each acute
/// episode and evaluation, each assessment, each rehab stay with its prescriptions.
struct FHIRChartResources: Sendable {
    let codes: FHIRCodes

    func resources(of chart: PatientChart, today: CalendarDay) -> [FHIRResource] {
        let acute = FHIRAcuteResources(codes: codes)
        let evaluations = FHIREvaluationResources(codes: codes)
        let rehab = FHIRRehabResources(codes: codes)
        let assessments = FHIRAssessmentResources(codes: codes)
        let patient = chart.patient.id
        return [FHIRPatientResources.patient(chart.patient)]
            + chart.episodes.flatMap { acute.resources($0, mrs90: chart.mrs90[$0.id], evaluations: chart.evaluations) }
            + chart.evaluations.flatMap { evaluations.resources($0, patient: patient) }
            + chart.observations.compactMap(assessments.resource)
            + chart.stays.flatMap { rehab.resources($0, prescriptions: chart.prescriptions, today: today) }
            + chart.organisations.map(FHIRPatientResources.organisation)
    }
}
