import Foundation

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
            let day = row.day, let start = row.start, let length = row.length
        else { return nil }
        let therapist: String?
        switch row.therapist {
        case .none: therapist = nil
        case .some(.none): return nil
        case .some(.some(let id)): therapist = id
        }
        self.init(patient: patient, modality: modality, therapist: therapist, room: room, day: day, start: start, length: length)
    }
}

extension ScheduleRow {
    /// The row as a coordinator reads it: "P003 PT Tue 10:00–10:45 T01 GYM1" (slots when the
    /// instance has no day start).
    public func describe(in week: RehabWeek) -> String {
        let dayName = week.days.indices.contains(day) ? week.days[day].name : "day \(day)"
        let parts = (week.timeGrid.dayStart ?? "").split(separator: ":").compactMap { Int($0) }
        let when: String
        if parts.count == 2 {
            let from = parts[0] * 60 + parts[1] + start * week.timeGrid.slotMinutes
            let to = from + length * week.timeGrid.slotMinutes
            when = String(format: "%02d:%02d–%02d:%02d", from / 60, from % 60, to / 60, to % 60)
        } else {
            when = "slot \(start)+\(length)"
        }
        return "\(patient) \(modality) \(dayName) \(when) \(therapist ?? "-") \(room)"
    }
}
