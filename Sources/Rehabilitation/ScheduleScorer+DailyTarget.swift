extension ScheduleScorer {
    /// A daily intensity target of the catalogue as the scorer counts it: the minutes a patient
    /// should have on a weekday, from which modalities (those of the target's disciplines).
    public struct DailyTarget: Sendable, Equatable {
        /// The KPI it gives: weekdays a patient attends with at least `minutesPerDay` of these modalities.
        public static let kpiName = "patient_weekdays_at_daily_target"

        public var id: String
        public var minutesPerDay: Int
        public var modalities: Set<String>

        public init(id: String, minutesPerDay: Int, modalities: Set<String>) {
            self.id = id
            self.minutesPerDay = minutesPerDay
            self.modalities = modalities
        }
    }
}

extension RehabCatalogue {
    /// The catalogue's `schedule_kpi_target` (UK/NICE 3 hours a day of physio-, occupational and
    /// speech therapy): its minutes a day and the modalities of its disciplines. A loaded
    /// catalogue always has it.
    public var scheduleDailyTarget: ScheduleScorer.DailyTarget? {
        guard let target = intensityTargets.first(where: { $0.id == scheduleKpiTarget }), let minutes = target.minutesPerDay else { return nil }
        let disciplines = Set(target.disciplines)
        return .init(id: target.id, minutesPerDay: minutes, modalities: Set(modalities.filter { disciplines.contains($0.discipline) }.map(\.id)))
    }
}
