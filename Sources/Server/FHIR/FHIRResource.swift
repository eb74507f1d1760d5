import Clinical
import Foundation

/// One resource the façade serves, with what its searches look at: the patient it is about,
/// when it happened, its codes and categories.
struct FHIRResource: Sendable {
    var type: String
    var id: String
    var json: JSONValue
    /// The patient the resource is about (nil for an organisation).
    var patient: UUID?
    /// When it happened or was valid, for `date` (either end open).
    var start: Date?
    var end: Date?
    /// Its codes as `system|code`, for `code`.
    var codes: [String] = []
    /// Its categories' codes, for `category`.
    var categories: [String] = []
    /// Where a bundle says it is, when not at its id (a report computed for the search: `urn:uuid:`).
    var fullUrl: String?

    init(
        _ type: String, id: String, patient: UUID?, start: Date? = nil, end: Date? = nil, codes: [String] = [], categories: [String] = [],
        _ members: [(String, JSONValue?)]
    ) {
        self.type = type
        self.id = id
        self.patient = patient
        self.start = start
        self.end = end ?? start
        self.codes = codes
        self.categories = categories
        json = FHIRJSON.object([("resourceType", .string(type)), ("id", id.isEmpty ? nil : .string(id))] + members)
    }

    /// `Type/id`.
    var reference: String { "\(type)/\(id)" }
}
