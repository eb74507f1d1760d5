public import Clinical
public import Foundation

/// What a hospital system's FHIR transaction asks to store, read and checked by the façade:
/// patients, acute episodes (an Encounter with what its Condition, Procedures and
/// MedicationAdministration say of it) and clinician-rated assessments. Each names the entry it
/// came from, so a refusal names it too.
public struct IntakeBundle: Sendable {
    public var patients: [IntakePatient] = []
    public var episodes: [IntakeEpisode] = []
    public var observations: [IntakeObservation] = []

    public init() {}
}

/// The system and value a sender gave a record: what makes a resend find it.
public struct SourceIdentifier: Sendable, Hashable {
    public var system: String
    public var value: String

    public init(system: String, value: String) {
        self.system = system
        self.value = value
    }
}

public struct IntakePatient: Sendable {
    /// The entry's position in the bundle.
    public var entry: Int
    public var organisation: UUID
    public var pseudonym: String
    public var birthYear: Int?
    /// Nil when the sender did not say (stored as unknown; a patient found is not compared on it).
    public var sex: String?

    public init(entry: Int, organisation: UUID, pseudonym: String, birthYear: Int?, sex: String?) {
        self.entry = entry
        self.organisation = organisation
        self.pseudonym = pseudonym
        self.birthYear = birthYear
        self.sex = sex
    }
}

public struct IntakeEpisode: Sendable {
    public var entry: Int
    /// The index of its patient in `IntakeBundle.patients`.
    public var patient: Int
    public var organisation: UUID
    public var source: SourceIdentifier
    public var arrivalAt: Date?
    public var strokeType: StrokeType = .unknown
    public var lastKnownWell: Date?
    public var onsetWitnessed: Bool?
    public var needleAt: Date?
    public var thrombolytic: String?
    public var groinPunctureAt: Date?
    public var mtici: String?

    /// What the sender said of the episode, in one line: a resend is compared with it.
    public var sentValues: String {
        let times = [lastKnownWell, arrivalAt, needleAt, groinPunctureAt].map { $0.map { String(format: "%.3f", $0.timeIntervalSince1970) } ?? "-" }
        return ([strokeType.rawValue] + times + [thrombolytic ?? "-", mtici ?? "-"]).joined(separator: "|")
    }

    public init(entry: Int, patient: Int, organisation: UUID, source: SourceIdentifier, arrivalAt: Date?) {
        self.entry = entry
        self.patient = patient
        self.organisation = organisation
        self.source = source
        self.arrivalAt = arrivalAt
    }
}

public struct IntakeObservation: Sendable {
    public var entry: Int
    /// The index of its patient in `IntakeBundle.patients`.
    public var patient: Int
    public var source: SourceIdentifier
    public var instrument: Instrument
    public var observedAt: Date
    public var value: Int
    public var rater: String

    public init(entry: Int, patient: Int, source: SourceIdentifier, instrument: Instrument, observedAt: Date, value: Int, rater: String) {
        self.entry = entry
        self.patient = patient
        self.source = source
        self.instrument = instrument
        self.observedAt = observedAt
        self.value = value
        self.rater = rater
    }
}

/// What became of one entry: created, or found (a resend: nothing changed), with its row.
public struct IntakeOutcome: Sendable, Equatable {
    public var entry: Int
    public var created: Bool
    public var id: UUID
}

/// An entry the database refused (the transaction then stores nothing): its position, the
/// element that is wrong, why, and FHIR's issue code (`processing`; `conflict` when the record
/// was stored before with other values, or its identifier is another's).
public struct IntakeRefusal: Error, Sendable {
    public var entry: Int
    public var element: String
    public var message: String
    public var code = "processing"
}
