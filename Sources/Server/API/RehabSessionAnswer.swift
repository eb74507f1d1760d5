import Hummingbird
import Rehabilitation
import Storage

/// A session as the API answers it (booking, reading, moving, joining, attendance): the
/// timetable entry, the evidence for its modality from the catalogue, and the precautions the
/// catalogue attaches for its patients (a booking that goes through with a warning). The
/// change is already made when the precautions are read: if they cannot be read, the answer
/// says so (`precautions: null`, `precautionsUnavailable`) rather than failing a booking that stands.
struct RehabSessionAnswer: Encodable, ResponseEncodable {
    var entry: TimetableEntry
    var evidence: RehabCatalogue.Evidence?
    var precautions: [BookingPrecaution]?

    private enum Keys: String, CodingKey { case evidence, precautions, precautionsUnavailable }

    /// The entry's fields, then `evidence` and `precautions` beside them.
    func encode(to encoder: any Encoder) throws {
        try entry.encode(to: encoder)
        var container = encoder.container(keyedBy: Keys.self)
        try container.encodeIfPresent(evidence, forKey: .evidence)
        try container.encode(precautions, forKey: .precautions)
        if precautions == nil {
            try container.encode(
                "The session stands, but its precautions could not be read: open the session again to see them.",
                forKey: .precautionsUnavailable)
        }
    }

    static func make(_ entry: TimetableEntry, bookings: RehabSessions, as access: AccessContext) async -> Self {
        Self(
            entry: entry, evidence: try? bookings.catalogue.modality(entry.modality).evidence,
            precautions: try? await bookings.precautions(entry, as: access))
    }
}
