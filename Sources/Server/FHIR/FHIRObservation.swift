import Clinical
import Foundation

/// The one way an `Observation` is made: status final, the concept's category and code, the
/// patient, where and when, the value members, notes.
struct FHIRObservation {
    let codes: FHIRCodes

    func make(
        id: String, _ key: String, patient: UUID, encounter: UUID?, at time: Date?, value: [(String, JSONValue?)],
        performer: UUID? = nil, notes: [String] = []
    ) -> FHIRResource {
        FHIRResource(
            "Observation", id: id, patient: patient, start: time, codes: codes.tokens(key),
            categories: codes.terminology.concepts[key]?.category.map { [$0] } ?? [],
            [
                ("status", .string("final")), ("category", codes.category(of: key)), ("code", codes.concept(key)),
                ("subject", FHIRJSON.reference("Patient", patient)), ("encounter", encounter.map { FHIRJSON.reference("Encounter", $0) }),
                ("effectiveDateTime", FHIRJSON.dateTime(time)),
                ("performer", performer.map { .array([FHIRJSON.reference("Organization", $0)]) }),
            ] + value + [("note", .array(notes.map { .object(["text": .string($0)]) }))])
    }

    /// A quantity in the concept's unit.
    func quantity(_ value: Double, of key: String) -> [(String, JSONValue?)] {
        [("valueQuantity", codes.quantity(value, of: key))]
    }

    /// A component for `key`: its value in the concept's unit, or the reason it has none.
    func component(_ key: String, _ value: Double?) -> JSONValue? {
        guard let code = codes.concept(key) else { return nil }
        guard let value else {
            return .object(["code": code, "dataAbsentReason": codes.concept("data_absent.unknown") ?? .object(["text": .string("unknown")])])
        }
        return .object(["code": code, "valueQuantity": codes.quantity(value, of: key)])
    }
}
