import Clinical
import Foundation
import Storage

/// A patient and an organisation as FHIR R4 `Patient` and `Organization`.
enum FHIRPatientResources {
    /// The system of an organisation's pseudonyms: a patient's identifier is the pseudonym the
    /// organisation gave, never a personal identity number.
    static func pseudonymSystem(_ organisation: UUID?) -> String {
        "https://strokepath.se/fhir/sid/pseudonym/" + (organisation?.fhirID ?? "")
    }

    /// The organisation whose pseudonym system `system` is, or nil.
    static func organisation(ofPseudonymSystem system: String) -> UUID? {
        let prefix = pseudonymSystem(nil)
        return system.hasPrefix(prefix) ? UUID(uuidString: String(system.dropFirst(prefix.count))) : nil
    }

    static let organisationCodeSystem = "https://strokepath.se/fhir/sid/organisation-code"

    static func patient(_ patient: Patient) -> FHIRResource {
        FHIRResource(
            "Patient", id: patient.id.fhirID, patient: patient.id,
            [
                (
                    "identifier",
                    .array([
                        .object([
                            "system": .string(pseudonymSystem(patient.organisationId)), "value": .string(patient.pseudonym),
                            "type": .object([
                                "coding": .array([
                                    .object([
                                        "system": .string("http://terminology.hl7.org/CodeSystem/v2-0203"), "code": .string("ANON"),
                                        "display": .string("Anonymous identifier"),
                                    ])
                                ]),
                                "text": .string("pseudonym"),
                            ]),
                        ])
                    ])
                ),
                ("gender", .string(patient.sex)),
                ("birthDate", patient.birthYear.map { .string(String(format: "%04d", $0)) }),
                ("managingOrganization", FHIRJSON.reference("Organization", patient.organisationId)),
            ])
    }

    static func organisation(_ organisation: ChartOrganisation) -> FHIRResource {
        FHIRResource(
            "Organization", id: organisation.id.fhirID, patient: nil,
            [
                ("identifier", .array([.object(["system": .string(organisationCodeSystem), "value": .string(organisation.code)])])),
                ("active", .bool(true)),
                ("type", .array([.object(["text": .string(organisation.kind.replacingOccurrences(of: "_", with: " "))])])),
                ("name", .string(organisation.name)),
                ("partOf", organisation.parentId.map { FHIRJSON.reference("Organization", $0) }),
            ])
    }
}
