/// One row of a `rehab-week/1` schedule: one patient in one session.
public struct ScheduleRow: Sendable, Hashable, Codable {
    public var patient: String
    public var modality: String
    public var therapist: String?
    public var room: String
    public var day: Int
    public var start: Int
    public var length: Int

    public init(patient: String, modality: String, therapist: String?, room: String, day: Int, start: Int, length: Int) {
        self.patient = patient
        self.modality = modality
        self.therapist = therapist
        self.room = room
        self.day = day
        self.start = start
        self.length = length
    }

    /// A file row with every field present and typed; nil otherwise.
    public init?(_ row: ScheduleScorer.Row) {
        guard let patient = row.patient, let modality = row.modality, let room = row.room,
              let day = row.day, let start = row.start, let length = row.length else { return nil }
        let therapist: String?
        switch row.therapist {
        case .none: therapist = nil
        case .some(.none): return nil
        case .some(.some(let id)): therapist = id
        }
        self.init(patient: patient, modality: modality, therapist: therapist, room: room, day: day, start: start, length: length)
    }
}
