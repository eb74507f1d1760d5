import Clinical

/// The terminology as FHIR datatypes: a concept as a `CodeableConcept` (its codings with their
/// systems' URLs, its plain name as `text`), a value with the concept's UCUM unit as a
/// `Quantity`. Built once at start; a concept the façade needs and the file lacks stops the
/// service there, naming the concept.
struct FHIRCodes: Sendable {
    let terminology: Terminology
    private let concepts: [String: JSONValue]
    /// The concepts by `system URL|code`, for reading what a sender coded.
    private let byCode: [String: [String]]

    /// The concepts every resource the façade makes may name (the rehab modalities, mTICI
    /// grades and NIHSS items are looked up as they come, and left uncoded when absent).
    static let required = [
        "condition.ischaemic", "condition.haemorrhagic", "condition.tia", "condition.unknown",
        "observation.nihss_total", "observation.mrs", "observation.barthel", "observation.fm_ue", "observation.safe", "observation.mep",
        "observation.bp_panel", "observation.bp_systolic", "observation.bp_diastolic", "observation.glucose_mmol", "observation.glucose_mg",
        "observation.inr", "observation.weight", "procedure.thrombolysis", "procedure.thrombectomy", "medication.alteplase",
        "medication.tenecteplase", "encounter.acute", "encounter.rehab.inpatient", "encounter.rehab.outpatient", "data_absent.unknown",
    ]

    init(_ terminology: Terminology) throws {
        self.terminology = terminology
        var concepts: [String: JSONValue] = [:]
        for (key, concept) in terminology.concepts {
            let codings = try concept.codings.map { coding in
                JSONValue.object(["system": .string(try terminology.url(of: coding.system)), "code": .string(coding.code), "display": .string(coding.display)])
            }
            concepts[key] = .object(["coding": .array(codings), "text": .string(concept.text)])
        }
        for key in Self.required { _ = try terminology.concept(key) }
        self.concepts = concepts
        var byCode: [String: [String]] = [:]
        for (key, concept) in terminology.concepts {
            for coding in concept.codings { byCode["\(try terminology.url(of: coding.system))|\(coding.code)", default: []].append(key) }
        }
        self.byCode = byCode.mapValues { $0.sorted() }
    }

    /// The concept as a `CodeableConcept`, or nil when the terminology has no such concept.
    func concept(_ key: String) -> JSONValue? { concepts[key] }

    /// The concepts a sender's code stands for.
    func concepts(coded system: String, _ code: String) -> [String] { byCode["\(system)|\(code)"] ?? [] }

    /// The concept's first coding (for a datatype that takes one `Coding`).
    func coding(_ key: String) -> JSONValue? {
        guard case .object(let members)? = concepts[key], case .array(let codings)? = members["coding"] else { return nil }
        return codings.first
    }

    /// The codes of a concept as `system|code` tokens, for the `code` search parameter.
    func tokens(_ key: String) -> [String] {
        guard let concept = terminology.concepts[key] else { return [] }
        return concept.codings.compactMap { coding in (try? terminology.url(of: coding.system)).map { "\($0)|\(coding.code)" } }
    }

    /// `value` in the concept's unit, as a UCUM `Quantity`.
    func quantity(_ value: Double, of key: String) -> JSONValue {
        guard let unit = terminology.concepts[key]?.unit else { return .object(["value": .number(value)]) }
        return .object([
            "value": .number(value), "unit": .string(unit.display), "system": .string("http://unitsofmeasure.org"), "code": .string(unit.code),
        ])
    }

    /// The observation category of a concept, as FHIR's `observation-category` coding.
    func category(of key: String) -> JSONValue? {
        guard let category = terminology.concepts[key]?.category else { return nil }
        return .array([
            .object([
                "coding": .array([
                    .object(["system": .string("http://terminology.hl7.org/CodeSystem/observation-category"), "code": .string(category)])
                ])
            ])
        ])
    }
}
