/// How far delivered therapy goes towards one guideline intensity target over a period.
public struct IntensityProgress: Sendable, Codable, Equatable {
    public var target: String
    public var title: String
    public var kind: String
    /// Minutes the target asks for over the period (per discipline for a per-discipline floor).
    public var requiredMinutes: Int
    /// Minutes delivered in the target's disciplines (the lowest discipline for a floor).
    public var deliveredMinutes: Int
    public var met: Bool
    public var sources: [String]
}

extension RehabCatalogue {
    /// Progress towards each intensity target that applies to a patient with these flags,
    /// over `days` days, from the minutes delivered per discipline; a per-discipline floor
    /// counts only the disciplines the patient is prescribed.
    public func intensityProgress(
        deliveredByDiscipline delivered: [String: Int], prescribedDisciplines: Set<String>, flags: [String],
        days: Int
    ) -> [IntensityProgress] {
        let weeks = Double(max(days, 0)) / 7
        return intensityTargets.compactMap { target in
            if let flag = target.appliesToFlag, !flags.contains(flag) { return nil }
            let required: Double
            let got: Int
            if let perDiscipline = target.minutesPerDayPerDiscipline {
                let relevant = target.disciplines.filter(prescribedDisciplines.contains)
                guard !relevant.isEmpty else { return nil }
                required = Double(perDiscipline * (target.daysPerWeek ?? 7)) * weeks
                got = relevant.map { delivered[$0] ?? 0 }.min() ?? 0
            } else if let perDay = target.minutesPerDay {
                required = Double(perDay * (target.daysPerWeek ?? 7)) * weeks
                got = target.disciplines.reduce(0) { $0 + (delivered[$1] ?? 0) }
            } else if let perWeek = target.minutesPerWeek {
                required = Double(perWeek) * weeks
                got = target.disciplines.reduce(0) { $0 + (delivered[$1] ?? 0) }
            } else {
                return nil
            }
            let minutes = Int(required.rounded())
            return IntensityProgress(
                target: target.id, title: target.title, kind: target.kind, requiredMinutes: minutes, deliveredMinutes: got,
                met: got >= minutes, sources: target.sources)
        }
    }
}
