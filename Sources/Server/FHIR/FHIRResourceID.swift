import Foundation
import Storage

/// How a resource's id names the row it is made from: `Encounter/<episode or stay>`,
/// `Condition/stroke-<episode>`, `Observation/nihss-<episode>`, `Observation/<evaluation>-bp`,
/// `Procedure/evt-<episode>`, `CarePlan/rehab-<stay>`, `Appointment/<session hex><patient hex>` …
enum FHIRResourceID {
    /// The row an id points into and its UUID, or nil for an id this server never gives.
    static func row(of type: String, id: String) -> (ChartRow, UUID)? {
        func uuid(after prefix: String) -> UUID? {
            id.hasPrefix(prefix) ? UUID(uuidString: String(id.dropFirst(prefix.count))) : nil
        }
        switch type {
        case "Patient": return UUID(uuidString: id).map { (.patient, $0) }
        case "Encounter": return UUID(uuidString: id).map { (.encounter, $0) }
        case "Condition":
            if let stay = uuid(after: "stay-stroke-") { return (.stay, stay) }
            return uuid(after: "stroke-").map { (.episode, $0) }
        case "Observation":
            if let observation = UUID(uuidString: id) { return (.observation, observation) }
            if let episode = uuid(after: "nihss-") ?? uuid(after: "mrs90-") { return (.episode, episode) }
            guard id.count > 37, id[id.index(id.startIndex, offsetBy: 36)] == "-" else { return nil }
            return UUID(uuidString: String(id.prefix(36))).map { (.evaluation, $0) }
        case "Procedure": return (uuid(after: "ivt-") ?? uuid(after: "evt-")).map { (.episode, $0) }
        case "MedicationAdministration": return uuid(after: "ivt-drug-").map { (.episode, $0) }
        case "ServiceRequest": return UUID(uuidString: id).map { (.prescription, $0) }
        case "CarePlan": return uuid(after: "rehab-").map { (.stay, $0) }
        case "GuidanceResponse": return UUID(uuidString: id).map { (.evaluation, $0) }
        case "RiskAssessment": return id.hasSuffix("-outcome") ? UUID(uuidString: String(id.dropLast(8))).map { (.evaluation, $0) } : nil
        case "Appointment": return FHIRClinicResources.appointment(id).map { (.patient, $0.patient) }
        default: return nil
        }
    }
}
