import Clinical
import Foundation
import Storage

/// A hospital system's `transaction` Bundle read into what the service stores (`IntakeBundle`):
/// every entry is read and every problem named (its element as a FHIRPath expression and an
/// issue code), so one answer lists them all. Each entry is a `POST` of a Patient, Encounter
/// (an acute stroke episode), Condition, Procedure or MedicationAdministration (which say what
/// their Encounter's episode was: stroke type and onset, needle and groin puncture, the agent,
/// the mTICI grade) or Observation (a clinician-rated assessment). Each carries an identifier
/// (a Patient its pseudonym) that a resend is found by; `ifNoneExist`, when given, must name it.
/// Only what took place is taken in: a completed procedure, a given drug, a final rating, an
/// acute admission, a stroke not refuted; a record named twice in one bundle is refused.
struct FHIRTransaction {
    /// One problem of the bundle: the issue code (`invalid`, `required`, `not-supported`, `value`)
    /// and where.
    struct Issue: Sendable, Equatable {
        var code: String
        var expression: String
        var diagnostics: String
    }

    let codes: FHIRCodes
    /// The organisations the sender acts for; the first holds a patient that names none.
    let organisations: [UUID]

    static let types: Set<String> = ["Patient", "Encounter", "Condition", "Procedure", "MedicationAdministration", "Observation"]
    /// The most entries one bundle may carry.
    static let maximumEntries = 5_000

    private(set) var issues: [Issue] = []
    private(set) var intake = IntakeBundle()
    /// What each entry becomes: its type, and for what says something of an episode, the
    /// episode's index and the prefix of the resource's id (`stroke-`, `ivt-`, `evt-`, `ivt-drug-`).
    struct Entry: Sendable {
        var type = ""
        var episode: Int?
        var prefix = ""
    }
    private(set) var entries: [Entry] = []
    private var patientsByURL: [String: Int] = [:]
    private var episodesByURL: [String: Int] = [:]
    /// What the bundle has named so far: full URLs, pseudonyms, identifiers, and each episode's details.
    private var seen: Set<String> = []

    init(codes: FHIRCodes, organisations: [UUID]) {
        self.codes = codes
        self.organisations = organisations
    }

    /// Reads the bundle; `issues` holds what is wrong (nothing is to be stored then).
    mutating func read(_ bundle: JSONValue) {
        guard let object = bundle.object, object["resourceType"] == .string("Bundle") else {
            return fail("structure", "Bundle", "must be a Bundle")
        }
        guard object["type"] == .string("transaction") else { return fail("value", "Bundle.type", "must be transaction") }
        guard let list = object["entry"]?.array, !list.isEmpty else { return fail("required", "Bundle.entry", "must hold the resources to store") }
        guard list.count <= Self.maximumEntries else {
            return fail("too-costly", "Bundle.entry", "holds \(list.count) entries; send at most \(Self.maximumEntries) in one bundle")
        }
        // Patients first, then episodes, then what refers to them: an entry may point to one later in the bundle.
        let order = ["Patient": 0, "Encounter": 1]
        entries = Array(repeating: Entry(), count: list.count)
        let ordered = list.indices.sorted { (order[Self.type(of: list[$0])] ?? 2, $0) < (order[Self.type(of: list[$1])] ?? 2, $1) }
        for index in ordered { read(list[index], at: index) }
    }

    private static func type(of entry: JSONValue) -> String {
        entry.object?["resource"]?.object?["resourceType"]?.text ?? ""
    }

    private mutating func read(_ entry: JSONValue, at index: Int) {
        let path = "Bundle.entry[\(index)]"
        guard let entry = entry.object, let resource = entry["resource"]?.object, let type = resource["resourceType"]?.text else {
            return fail("required", "\(path).resource", "must be a resource with its resourceType")
        }
        entries[index].type = type
        guard Self.types.contains(type) else {
            return fail("not-supported", "\(path).resource", "\(type) is not taken in; send \(Self.types.sorted().joined(separator: ", "))")
        }
        guard let request = entry["request"]?.object, request["method"] == .string("POST"), request["url"] == .string(type) else {
            return fail("not-supported", "\(path).request", "must be a POST of the \(type) (conditional create); nothing else is taken in")
        }
        let url = entry["fullUrl"]?.text
        if let url, !first("url \(url)") { return fail("duplicate", "\(path).fullUrl", "names the same resource as an entry before it") }
        let resourcePath = "\(path).resource"
        switch type {
        case "Patient": patient(resource, url: url, at: index, path: resourcePath, ifNoneExist: request["ifNoneExist"]?.text)
        case "Encounter": encounter(resource, url: url, at: index, path: resourcePath, ifNoneExist: request["ifNoneExist"]?.text)
        case "Observation": observation(resource, at: index, path: resourcePath, ifNoneExist: request["ifNoneExist"]?.text)
        default: episodeDetail(type, resource, at: index, path: resourcePath)
        }
    }

    // MARK: Resources

    private mutating func patient(_ resource: [String: JSONValue], url: String?, at index: Int, path: String, ifNoneExist: String?) {
        guard let identifier = resource["identifier"]?.array?.first?.object, let pseudonym = identifier["value"]?.text,
            (1...64).contains(pseudonym.count), (try? TextRules.checkIdentifier(pseudonym, field: "identifier", maxLength: 64)) != nil
        else { return fail("required", "\(path).identifier[0].value", "must be the patient's pseudonym (1–64 characters on one line)") }
        var organisation = organisations.first
        if let system = identifier["system"]?.text {
            guard let owner = FHIRPatientResources.organisation(ofPseudonymSystem: system) else {
                return fail(
                    "value", "\(path).identifier[0].system",
                    "must be \(FHIRPatientResources.pseudonymSystem(nil))<organisation id>, or left out for your organisation's")
            }
            organisation = owner
        }
        if let managing = resource["managingOrganization"] {
            guard let owner = Self.id(managing, "Organization"), organisation == owner || identifier["system"] == nil else {
                return fail("value", "\(path).managingOrganization", "must be Organization/<id>, the organisation of the identifier's system")
            }
            organisation = owner
        }
        guard let organisation, organisations.contains(organisation) else {
            return fail("forbidden", "\(path).managingOrganization", "must be an organisation you act for")
        }
        guard checkIfNoneExist(ifNoneExist, value: pseudonym, system: identifier["system"]?.text, path: path) else { return }
        guard first("patient \(organisation) \(pseudonym)") else {
            return fail("duplicate", "\(path).identifier[0]", "names a patient an entry before it names")
        }
        let sex = resource["gender"]?.text
        if let sex, !PatientController.sexes.contains(sex) { return fail("value", "\(path).gender", "must be female, male, other or unknown") }
        var birthYear: Int?
        if let birth = resource["birthDate"] {
            guard let text = birth.text, let year = Int(text.prefix(4)), text.count >= 4, (1900...2100).contains(year) else {
                return fail("value", "\(path).birthDate", "must be a date from 1900 to 2100")
            }
            birthYear = year
        }
        if let url { patientsByURL[url] = intake.patients.count }
        intake.patients.append(IntakePatient(entry: index, organisation: organisation, pseudonym: pseudonym, birthYear: birthYear, sex: sex))
    }

    /// The Encounter classes of an acute stroke admission.
    static let acuteClasses: Set<String> = ["ACUTE", "EMER", "IMP"]

    private mutating func encounter(_ resource: [String: JSONValue], url: String?, at index: Int, path: String, ifNoneExist: String?) {
        guard let patient = patient(resource["subject"], path: "\(path).subject") else { return }
        guard let kind = resource["class"]?.object?["code"]?.text, Self.acuteClasses.contains(kind) else {
            return fail("value", "\(path).class", "must be an acute stroke admission (ACUTE, EMER or IMP): only acute episodes are taken in")
        }
        guard !["cancelled", "entered-in-error", "planned"].contains(resource["status"]?.text ?? "") else {
            return fail("value", "\(path).status", "must be an encounter that took place")
        }
        guard let source = source(resource, path: path, ifNoneExist: ifNoneExist) else { return }
        var arrival: Date?
        if let start = resource["period"]?.object?["start"] {
            guard let time = Self.time(start) else { return fail("value", "\(path).period.start", "must be a time with its zone (the arrival)") }
            arrival = time
        }
        var organisation = intake.patients[patient].organisation
        if let provider = resource["serviceProvider"] {
            guard let owner = Self.id(provider, "Organization"), organisations.contains(owner) else {
                return fail("forbidden", "\(path).serviceProvider", "must be Organization/<id> of an organisation you act for")
            }
            organisation = owner
        }
        if let url { episodesByURL[url] = intake.episodes.count }
        entries[index].episode = intake.episodes.count
        intake.episodes.append(IntakeEpisode(entry: index, patient: patient, organisation: organisation, source: source, arrivalAt: arrival))
    }

    /// A Condition, Procedure or MedicationAdministration: what it says of its Encounter's episode.
    private mutating func episodeDetail(_ type: String, _ resource: [String: JSONValue], at index: Int, path: String) {
        let field = type == "MedicationAdministration" ? "context" : "encounter"
        guard let url = resource[field]?.object?["reference"]?.text, let episode = episodesByURL[url] else {
            return fail("required", "\(path).\(field)", "must refer to an Encounter of this bundle (its fullUrl)")
        }
        entries[index].episode = episode
        if let subject = resource["subject"]?.object?["reference"]?.text, patientsByURL[subject] != intake.episodes[episode].patient {
            return fail("value", "\(path).subject", "must be the patient of its Encounter")
        }
        switch type {
        case "Condition":
            entries[index].prefix = "stroke-"
            guard first("condition \(episode)") else { return fail("duplicate", path, "is a second Condition of the same Encounter") }
            let verification = resource["verificationStatus"]?.object?["coding"]?.array?.first?.object?["code"]?.text
            guard !["refuted", "entered-in-error"].contains(verification ?? "") else {
                return fail("value", "\(path).verificationStatus", "says there was no such stroke: it is not stored")
            }
            guard let key = concept(resource["code"], prefix: "condition."), let stroke = StrokeType(rawValue: String(key.dropFirst(10))) else {
                return fail("value", "\(path).code", "must be a stroke type: SNOMED CT or ICD-10 (I63, I61, G45, I64)")
            }
            intake.episodes[episode].strokeType = stroke
            // The onset (or the start of its period) is the time last known well; whether anyone
            // witnessed it FHIR does not say, so it is left unknown.
            let (onset, element) =
                resource["onsetDateTime"].map { ($0, "onsetDateTime") } ?? (resource["onsetPeriod"]?.object?["start"], "onsetPeriod.start")
            if let onset {
                guard let time = Self.time(onset) else { return fail("value", "\(path).\(element)", "must be a time with its zone") }
                intake.episodes[episode].lastKnownWell = time
            }
        case "Procedure":
            guard resource["status"] == .string("completed") else {
                return fail("value", "\(path).status", "must be completed: a thrombolysis or thrombectomy not done is not stored")
            }
            let key = concept(resource["code"], prefix: "procedure.")
            guard key == "procedure.thrombolysis" || key == "procedure.thrombectomy" else {
                return fail("value", "\(path).code", "must be intravenous thrombolysis or thrombectomy (SNOMED CT)")
            }
            guard let performed = resource["performedDateTime"] ?? resource["performedPeriod"]?.object?["start"], let time = Self.time(performed) else {
                return fail("required", "\(path).performedDateTime", "must be when it started (the needle or the groin puncture), with its zone")
            }
            entries[index].prefix = key == "procedure.thrombolysis" ? "ivt-" : "evt-"
            guard first("procedure \(episode) \(key ?? "")") else { return fail("duplicate", path, "is a second \(key ?? "") of the same Encounter") }
            if key == "procedure.thrombolysis" {
                intake.episodes[episode].needleAt = time
            } else {
                intake.episodes[episode].groinPunctureAt = time
                if let outcome = resource["outcome"] {
                    guard let grade = concept(outcome, prefix: "mtici.") else { return fail("value", "\(path).outcome", "must be an mTICI grade") }
                    intake.episodes[episode].mtici = String(grade.dropFirst(6))
                }
            }
        default:
            guard ["completed", "in-progress"].contains(resource["status"]?.text ?? "") else {
                return fail("value", "\(path).status", "must be completed or in-progress: a thrombolytic not given is not stored")
            }
            guard let key = concept(resource["medicationCodeableConcept"], prefix: "medication.") else {
                return fail("value", "\(path).medicationCodeableConcept", "must be alteplase or tenecteplase (ATC B01AD02, B01AD11)")
            }
            let agent = String(key.dropFirst(11))
            // Alteplase is often sent as two administrations (bolus, then infusion): one agent, the first time.
            if let given = intake.episodes[episode].thrombolytic, given != agent {
                return fail("duplicate", "\(path).medicationCodeableConcept", "names another thrombolytic than the Encounter's \(given)")
            }
            intake.episodes[episode].thrombolytic = agent
            entries[index].prefix = "ivt-drug-"
            guard let effective = resource["effectiveDateTime"] ?? resource["effectivePeriod"]?.object?["start"], let time = Self.time(effective) else {
                return fail("required", "\(path).effectiveDateTime", "must be when it was given, with its zone")
            }
            intake.episodes[episode].needleAt = min(intake.episodes[episode].needleAt ?? time, time)
        }
    }

    private mutating func observation(_ resource: [String: JSONValue], at index: Int, path: String, ifNoneExist: String?) {
        guard let patient = patient(resource["subject"], path: "\(path).subject") else { return }
        guard let key = concept(resource["code"], prefix: "observation."),
            let instrument = Instrument.allCases.first(where: { FHIRAssessmentResources.key($0) == key })
        else {
            return fail(
                "not-supported", "\(path).code",
                "is not an assessment StrokePath keeps (NIHSS total, mRS, Barthel, FM-UE, SAFE, MEP, by the codes of its terminology)")
        }
        guard ["final", "amended", "corrected"].contains(resource["status"]?.text ?? "") else {
            return fail("value", "\(path).status", "must be final, amended or corrected: only a finished rating is stored")
        }
        guard let source = source(resource, path: path, ifNoneExist: ifNoneExist) else { return }
        guard let effective = resource["effectiveDateTime"], let time = Self.time(effective) else {
            return fail("required", "\(path).effectiveDateTime", "must be when it was rated, with its zone")
        }
        let value: Double?
        if instrument == .mep, let present = resource["valueBoolean"] {
            value = present == .bool(true) ? 1 : present == .bool(false) ? 0 : nil
        } else {
            value = resource["valueQuantity"]?.object?["value"]?.number
        }
        guard let value, value == value.rounded(), let whole = Int(exactly: value) else {
            return fail(
                "value", instrument == .mep ? "\(path).valueBoolean" : "\(path).valueQuantity.value",
                "must be a whole number on the \(instrument.rawValue) scale")
        }
        let valuePath = instrument == .mep ? "\(path).valueBoolean" : "\(path).valueQuantity.value"
        if let unit = resource["valueQuantity"]?.object?["code"]?.text, let expected = codes.terminology.concepts[key]?.unit?.code, unit != expected {
            return fail("value", "\(path).valueQuantity.code", "must be \(expected), the unit of \(instrument.rawValue)")
        }
        let performer = resource["performer"]?.array?.first?.object
        let rater = performer?["display"]?.text ?? performer?["reference"]?.text ?? "sent by a hospital system"
        let rating = RecoveryObservation(patientId: UUID(), instrument: instrument, observedAt: time, value: whole, rater: rater, note: nil)
        do {
            try rating.check()
            try TextRules.checkIdentifier(rater, field: "rater", maxLength: 200)
        } catch {
            let element = ["rater": "\(path).performer[0].display", "observedAt": "\(path).effectiveDateTime"][error.field ?? ""] ?? valuePath
            return fail("value", element, error.message)
        }
        intake.observations.append(
            IntakeObservation(entry: index, patient: patient, source: source, instrument: instrument, observedAt: time, value: whole, rater: rater))
    }

    // MARK: Parts

    /// The patient of this bundle a reference names (its fullUrl).
    private mutating func patient(_ reference: JSONValue?, path: String) -> Int? {
        guard let url = reference?.object?["reference"]?.text, let patient = patientsByURL[url] else {
            fail("required", path, "must refer to a Patient of this bundle (its fullUrl)")
            return nil
        }
        return patient
    }

    /// The sender's identifier of a record (system and value), which `ifNoneExist` must name when given.
    private mutating func source(_ resource: [String: JSONValue], path: String, ifNoneExist: String?) -> SourceIdentifier? {
        guard let identifier = resource["identifier"]?.array?.first?.object, let system = identifier["system"]?.text,
            let value = identifier["value"]?.text, (1...200).contains(system.unicodeScalars.count), (1...200).contains(value.unicodeScalars.count),
            TextRules.forbiddenInIdentifier(system) == nil, TextRules.forbiddenInIdentifier(value) == nil
        else {
            fail("required", "\(path).identifier[0]", "must be the sending system's identifier (system and value, 1–200 characters each, on one line)")
            return nil
        }
        guard first("identifier \(resource["resourceType"]?.text ?? "") \(system)|\(value)") else {
            fail("duplicate", "\(path).identifier[0]", "names a record an entry before it names")
            return nil
        }
        guard checkIfNoneExist(ifNoneExist, value: value, system: system, path: path) else { return nil }
        return SourceIdentifier(system: system, value: value)
    }

    /// `ifNoneExist` may only ask for the resource's own identifier (`identifier=system|value`).
    private mutating func checkIfNoneExist(_ query: String?, value: String, system: String?, path: String) -> Bool {
        guard let query else { return true }
        let expected = ["identifier=\(value)", "identifier=\(system ?? "")|\(value)"]
        guard expected.contains(query.removingPercentEncoding ?? query) else {
            fail(
                "not-supported", path.replacingOccurrences(of: ".resource", with: ".request.ifNoneExist"),
                "may only be identifier=<system>|<value> of the resource")
            return false
        }
        return true
    }

    /// The concept with `prefix` one of the codings names (by system and code).
    private func concept(_ value: JSONValue?, prefix: String) -> String? {
        let codings = value?.object?["coding"]?.array ?? []
        for coding in codings.compactMap(\.object) {
            guard let system = coding["system"]?.text, let code = coding["code"]?.text else { continue }
            if let key = codes.concepts(coded: system, code).first(where: { $0.hasPrefix(prefix) }) { return key }
        }
        return nil
    }

    private static func id(_ reference: JSONValue, _ type: String) -> UUID? {
        guard let text = reference.object?["reference"]?.text, text.hasPrefix("\(type)/") else { return nil }
        return UUID(uuidString: String(text.dropFirst(type.count + 1)))
    }

    /// A FHIR dateTime with its zone, from 1900 to 2199.
    private static func time(_ value: JSONValue) -> Date? {
        guard let text = value.text, let time = try? Date(text, strategy: .iso8601) else { return nil }
        return (-2_208_988_800...7_258_118_400).contains(time.timeIntervalSince1970) ? time : nil
    }

    /// Whether the bundle names `key` for the first time (and notes it).
    private mutating func first(_ key: String) -> Bool { seen.insert(key).inserted }

    private mutating func fail(_ code: String, _ expression: String, _ diagnostics: String) {
        issues.append(Issue(code: code, expression: expression, diagnostics: diagnostics))
    }
}
