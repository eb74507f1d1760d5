import Rehabilitation
import Storage

/// A session as the API answers it (booking, reading, moving, joining, attendance): the
/// timetable entry, the evidence for its modality from the catalogue, and the precautions the
/// catalogue attaches for its patients (a booking that goes through with a warning).
struct RehabSessionAnswer: Encodable {
    var entry: TimetableEntry
    var evidence: RehabCatalogue.Evidence?
    var precautions: [BookingPrecaution]

    private enum Keys: String, CodingKey { case evidence, precautions }

    /// The entry's fields, then `evidence` and `precautions` beside them.
    func encode(to encoder: any Encoder) throws {
        try entry.encode(to: encoder)
        var container = encoder.container(keyedBy: Keys.self)
        try container.encodeIfPresent(evidence, forKey: .evidence)
        try container.encode(precautions, forKey: .precautions)
    }

    static func make(_ entry: TimetableEntry, bookings: RehabBookings, as access: AccessContext) async throws -> Self {
        Self(entry: entry, evidence: try? bookings.catalogue.modality(entry.modality).evidence,
             precautions: try await bookings.precautions(entry, as: access))
    }
}
