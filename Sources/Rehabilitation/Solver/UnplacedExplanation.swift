/// Why each prescribed session a schedule leaves out could not be placed: for every day of
/// the week, the rule that blocks it (the most frequent first blocking rule over that day's
/// start times), and the most frequent of those over the days as the summary.
public struct UnplacedSession: Sendable, Equatable {
    public var prescription: String
    public var patient: String
    public var modality: String
    public var prescribed: Int
    public var missing: Int
    /// The most frequent reason over the days.
    public var reason: UnplacedReason
    /// Per day of the instance, what blocks one more session then.
    public var days: [UnplacedReason]
}

extension WeeklySolver {
    /// Explains every prescription whose sessions `rows` do not all deliver. The rows must
    /// form a feasible schedule (check it with `ScheduleScorer` first); rows that do not fit
    /// are left out of the picture.
    public func explain(_ rows: [ScheduleRow]) -> [UnplacedSession] {
        var plan = PlanState(model: model)
        _ = plan.load(PlanState.resolve(rows, model: model))
        let week = model.week
        return (0..<model.prescriptionCount).compactMap { x -> UnplacedSession? in
            let missing = model.rxSessions[x] - plan.rxDelivered[x]
            guard missing > 0 else { return nil }
            let days = (0..<model.dayCount).map { plan.blockingReason(x, day: $0) }
            // Days the patient is away, or already has the day's sessions, explain little
            // when other days say what is short.
            let telling = days.filter { $0 != .patientNotAttending && $0 != .dailyModalityLimit }
            let counts = Dictionary((telling.isEmpty ? days : telling).map { ($0, 1) }, uniquingKeysWith: +)
            let reason =
                model.rxStaticReason[x]
                ?? UnplacedReason.allCases.max { (counts[$0] ?? 0, -($0.order)) < (counts[$1] ?? 0, -($1.order)) } ?? .noTherapistFree
            let prescription = week.prescriptions[x]
            return UnplacedSession(
                prescription: prescription.id, patient: prescription.patient, modality: prescription.modality,
                prescribed: model.rxSessions[x], missing: missing, reason: reason, days: days)
        }
    }
}

extension UnplacedReason {
    /// Position in the declaration, to break ties the same way every time.
    var order: Int { Self.allCases.firstIndex(of: self) ?? 0 }
}

extension PlanState {
    /// What blocks one more session of prescription `x` on `day`.
    func blockingReason(_ x: Int, day: Int) -> UnplacedReason {
        if let reason = model.rxStaticReason[x] { return reason }
        let patient = model.rxPatient[x]
        if model.week.patients[patient].availability[day].isEmpty { return .patientNotAttending }
        if !model.rxDays[x].contains(day) { return .tooEarlyAfterStroke }
        if let reason = dayBlock(x, day: day) { return reason }
        var counts: [UnplacedReason: Int] = [:]
        for start in 0...max(0, model.slotsPerDay - model.rxLength[x]) {
            guard let reason = blockingReason(x, day: day, start: start) else { return .notChosen }
            counts[reason, default: 0] += 1
        }
        // Times the patient is away anyway say little when something else blocks the rest.
        if counts.count > 1 { counts[.patientUnavailable] = nil }
        return counts.max { ($0.value, -$0.key.order) < ($1.value, -$1.key.order) }?.key ?? .patientUnavailable
    }

    /// The first rule that keeps one more session of `x` from starting at `day`/`start`;
    /// nil if it fits.
    func blockingReason(_ x: Int, day: Int, start: Int) -> UnplacedReason? {
        if let reason = patientBlock(x, day: day, start: start) { return reason }
        let modality = model.rxModality[x]
        let length = model.rxLength[x]
        if model.modalityMaxGroup[modality] > 1,
            groupSessions[modality * model.dayCount + day].contains(where: { sessionStart[$0] == start && groupBlock(x, session: $0) == nil })
        {
            return nil
        }
        let rooms = model.modalityRooms[modality]
        let roomReasons = rooms.map { roomBlock($0, day: day, start: start, length: length) }
        if roomReasons.allSatisfy({ $0 == .roomClosed }) { return .roomClosed }
        guard rooms.contains(where: { freeRoom($0, modality: modality, day: day, start: start, length: length) }) else { return .roomFull }
        guard model.modalityNeedsTherapist[modality] else { return nil }
        let therapists = model.rxTherapists[x].map { therapistBlock($0, day: day, start: start, length: length) }
        if therapists.contains(where: { $0 == nil }) { return nil }
        return therapists.contains(.therapistContactLimit) ? .therapistContactLimit : .noTherapistFree
    }
}
