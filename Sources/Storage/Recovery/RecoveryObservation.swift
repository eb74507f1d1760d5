public import Clinical
public import Foundation

/// An assessment of a patient: FM-UE (what the recovery model is fitted to), NIHSS, mRS and
/// Barthel (shown beside it), SAFE and MEP status (PREP2), with when, who rated it and what
/// it is on its instrument's scale.
public struct RecoveryObservation: Sendable, Codable, Equatable {
    public var id: UUID?
    public var patientId: UUID
    public var instrument: Instrument
    public var observedAt: Date
    public var value: Int
    public var rater: String
    public var note: String?
    /// Set by the service: who recorded it, for which organisation, and the day since onset.
    public var recordedBy: String?
    public var organisationId: UUID?
    public var day: Double?

    public init(patientId: UUID, instrument: Instrument, observedAt: Date, value: Int, rater: String, note: String? = nil) {
        self.patientId = patientId
        self.instrument = instrument
        self.observedAt = observedAt
        self.value = value
        self.rater = rater
        self.note = note
    }

    /// Refuses a value off the instrument's scale or a missing rater, naming the field.
    public func check() throws(Refusal) {
        guard instrument.scale.contains(value) else {
            throw Refusal.invalid("value", "must be \(instrument.scale.lowerBound)–\(instrument.scale.upperBound) on the \(instrument.rawValue) scale")
        }
        if instrument == .barthel, value % 5 != 0 { throw Refusal.invalid("value", "must be a multiple of 5 on the Barthel index (0–100)") }
        guard (1...200).contains(rater.count) else { throw Refusal.invalid("rater", "must name who rated it (1–200 characters)") }
        if let note, !(1...500).contains(note.count) { throw Refusal.invalid("note", "must be 1–500 characters") }
        guard observedAt <= Date().addingTimeInterval(3_600) else { throw Refusal.invalid("observedAt", "is in the future") }
    }
}

/// Therapy a patient was given elsewhere: minutes a day of one model input (PT, OT, SLP or
/// BAL) on every day from `firstDay` to `lastDay`, and where.
public struct TherapyElsewhere: Sendable, Codable, Equatable {
    public static let modelInputs = ["PT", "OT", "SLP", "BAL"]

    public var id: UUID?
    public var patientId: UUID
    public var modelInput: String
    public var firstDay: CalendarDay
    public var lastDay: CalendarDay
    public var minutesPerDay: Int
    public var place: String
    public var enteredBy: String?

    public init(patientId: UUID, modelInput: String, firstDay: CalendarDay, lastDay: CalendarDay, minutesPerDay: Int, place: String) {
        self.patientId = patientId
        self.modelInput = modelInput
        self.firstDay = firstDay
        self.lastDay = lastDay
        self.minutesPerDay = minutesPerDay
        self.place = place
    }

    /// Refuses an unknown input, reversed days, an absurd dose or a missing place.
    public func check() throws(Refusal) {
        guard Self.modelInputs.contains(modelInput) else { throw Refusal.invalid("modelInput", "must be one of \(Self.modelInputs.joined(separator: ", "))") }
        guard lastDay >= firstDay else { throw Refusal.invalid("lastDay", "must be on or after firstDay") }
        guard (1...480).contains(minutesPerDay) else { throw Refusal.invalid("minutesPerDay", "must be 1–480") }
        guard (1...200).contains(place.count) else { throw Refusal.invalid("place", "must say where it was given (1–200 characters)") }
    }
}
