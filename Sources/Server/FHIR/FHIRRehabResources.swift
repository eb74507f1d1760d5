import Clinical
import Foundation
import Storage

/// A rehab stay as FHIR R4: the `Encounter`, the stroke it treats as a `Condition`, each
/// prescription as a `ServiceRequest` (modality, minutes a session, sessions a week) and the
/// stay's prescriptions together as its `CarePlan`.
struct FHIRRehabResources {
    let codes: FHIRCodes
    /// The hospitals' time zone, where a day of a stay or prescription begins and ends.
    let zone: TimeZone

    func resources(_ stay: RehabStay, prescriptions: [RehabPrescription], today: CalendarDay) -> [FHIRResource] {
        guard let stayID = stay.id else { return [] }
        let id = stayID.fhirID
        let subject = FHIRJSON.reference("Patient", stay.patientId)
        let encounter = FHIRJSON.reference("Encounter", id)
        let status: String =
            if stay.admittedOn > today { "planned" } else if let end = stay.dischargeOn, end < today { "finished" } else { "in-progress" }
        let period = FHIRJSON.object([("start", FHIRJSON.date(stay.admittedOn)), ("end", FHIRJSON.date(stay.dischargeOn))])
        let classKey = "encounter.rehab.\(stay.setting)"
        let conditionKey = "condition.\(stay.strokeType.rawValue)"
        let requests = prescriptions.filter { $0.stayId == stayID }.compactMap { request($0, stay: stay, today: today) }
        return [
            FHIRResource(
                "Encounter", id: id, patient: stay.patientId, start: stay.admittedOn.start(in: zone), end: stay.dischargeOn?.end(in: zone) ?? .distantFuture,
                [
                    ("status", .string(status)), ("class", codes.coding(classKey)), ("type", codes.concept(classKey).map { .array([$0]) }),
                    ("subject", subject), ("period", period),
                    ("reasonReference", .array([FHIRJSON.reference("Condition", "stay-stroke-\(id)")])),
                    ("serviceProvider", FHIRJSON.reference("Organization", stay.organisationId)),
                ]),
            FHIRResource(
                "Condition", id: "stay-stroke-\(id)", patient: stay.patientId, start: stay.strokeDate.start(in: zone), codes: codes.tokens(conditionKey),
                [] + FHIRAcuteResources.conditionStatus(stay.strokeType) + [
                    ("code", codes.concept(conditionKey)), ("subject", subject), ("encounter", encounter),
                    ("onsetDateTime", FHIRJSON.date(stay.strokeDate)),
                ]),
            FHIRResource(
                "CarePlan", id: "rehab-\(id)", patient: stay.patientId, start: stay.admittedOn.start(in: zone),
                end: stay.dischargeOn?.end(in: zone) ?? .distantFuture,
                [
                    ("status", .string(status == "finished" ? "completed" : "active")), ("intent", .string("plan")),
                    ("title", .string("Rehabilitation, \(stay.setting)")), ("subject", subject), ("encounter", encounter), ("period", period),
                    ("activity", .array(requests.map { .object(["reference": .object(["reference": .string($0.reference)])]) })),
                ]),
        ] + requests
    }

    private func request(_ prescription: RehabPrescription, stay: RehabStay, today: CalendarDay) -> FHIRResource? {
        guard let id = prescription.id, let stayID = stay.id else { return nil }
        let key = "procedure.rehab.\(prescription.modality)"
        let ended = [prescription.endsOn, stay.dischargeOn].contains { $0.map { $0 < today } == true }
        let status = ended ? "completed" : "active"
        return FHIRResource(
            "ServiceRequest", id: id.fhirID, patient: stay.patientId, start: prescription.startsOn.start(in: zone),
            end: prescription.endsOn?.end(in: zone) ?? .distantFuture, codes: codes.tokens(key),
            [
                ("status", .string(status)), ("intent", .string("order")),
                ("code", codes.concept(key) ?? .object(["text": .string(prescription.modality)])),
                ("subject", FHIRJSON.reference("Patient", stay.patientId)), ("encounter", FHIRJSON.reference("Encounter", stayID)),
                (
                    "occurrenceTiming",
                    .object([
                        "repeat": FHIRJSON.object([
                            (
                                "boundsPeriod",
                                FHIRJSON.object([("start", FHIRJSON.date(prescription.startsOn)), ("end", FHIRJSON.date(prescription.endsOn))])
                            ),
                            ("duration", .number(Double(prescription.sessionMinutes))), ("durationUnit", .string("min")),
                            ("frequency", .number(Double(prescription.sessionsPerWeek))), ("period", .number(1)), ("periodUnit", .string("wk")),
                        ])
                    ])
                ),
                (
                    "note",
                    .array([
                        .object([
                            "text": .string(
                                "\(prescription.sessionsPerWeek) sessions a week of \(prescription.sessionMinutes) minutes, at most \(prescription.maxPerDay) a day."
                            )
                        ])
                    ])
                ),
            ])
    }
}
