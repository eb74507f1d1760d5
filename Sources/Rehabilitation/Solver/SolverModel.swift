/// A `rehab-week/1` instance compiled for the solver: every entity an index, every window
/// a table of "latest end for a session starting here", every static rule (qualification,
/// team, contraindication, earliest day after stroke) decided once per prescription.
///
/// Flat tables are indexed `[entity * dayCount + day]` and, for slot tables,
/// `[(entity * dayCount + day) * slotsPerDay + slot]`.
final class SolverModel: Sendable {
    let week: RehabWeek
    let dayCount: Int
    let slotsPerDay: Int
    let slotMinutes: Int
    let amPmBoundary: Int
    let isWeekend: [Bool]
    let weights: [Int]

    let modalityMaxGroup: [Int]
    let modalityRest: [Int]
    let modalityNeedsTherapist: [Bool]
    let modalityIndividualWithTherapist: [Bool]
    let modalityRooms: [[Int]]

    let roomCapacity: [Int]
    let roomMaxSessions: [Int]
    let roomEnd: [UInt8]

    let therapistCount: Int
    let therapistEnd: [UInt8]
    let therapistContactSlots: [Int]

    let patientEnd: [UInt8]
    let patientDailySlots: [Int]
    let patientGap: [Int]
    let patientPriority: [Int]
    let patientPreference: [Preference]
    let patientOutpatient: [Bool]
    let patientBalanceDays: [[Int]]
    let patientIsBalanceDay: [Bool]

    let rxPatient: [Int]
    let rxModality: [Int]
    let rxSessions: [Int]
    let rxLength: [Int]
    let rxMaxPerDay: [Int]
    /// Rest the patient needs after one of this prescription's sessions: max(γ_p, r_m).
    let rxRestAfter: [Int]
    /// Objective cost of one undelivered session: w₁ · priority · minutes.
    let rxValue: [Int]
    /// Days the prescription may use at all (not contraindicated, not too early, patient attending).
    let rxDays: [[Int]]
    let rxTherapists: [[Int]]
    let rxTherapistAllowed: [Bool]
    /// The patient's other prescriptions that may not share a day with this one.
    let rxExclusive: [[Int]]
    let rxStaticReason: [UnplacedReason?]
    /// Prescriptions whose sessions may use a therapist, per therapist.
    let therapistPrescriptions: [[Int]]

    /// Start masks: bit `s` set when a session of the given length starting at slot `s`
    /// lies inside one window. Per `[x * dayCount + day]` for prescriptions (their own
    /// length), per `[(entity * dayCount + day) * (longest + 1) + length]` for therapists and rooms.
    let rxStartMask: [UInt64]
    let therapistStartMask: [UInt64]
    let roomStartMask: [UInt64]
    /// The longest session any prescription asks for.
    let longest: Int

    enum Preference: Sendable { case none, morning, afternoon }

    /// The largest day the solver's bit masks hold.
    static let maximumSlotsPerDay = 64

    init(week: RehabWeek) throws(RehabWeekError) {
        let grid = week.timeGrid
        guard grid.slotsPerDay <= Self.maximumSlotsPerDay else {
            throw RehabWeekError(field: "time_grid.slots_per_day", message: "the solver plans days of at most \(Self.maximumSlotsPerDay) slots")
        }
        self.week = week
        let days = week.days.count
        let slots = grid.slotsPerDay
        dayCount = days
        slotsPerDay = slots
        slotMinutes = grid.slotMinutes
        amPmBoundary = grid.amPmBoundarySlot
        isWeekend = week.days.map(\.weekend)
        let w = week.weights
        weights = [w.unmetMinute, w.dailyImbalanceMinute, w.extraTherapist, w.timePreference, w.outpatientIdleMinute, w.weekendSession]

        let modalityIndex = Dictionary(week.modalities.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { first, _ in first })
        let patientIndex = Dictionary(week.patients.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { first, _ in first })
        modalityMaxGroup = week.modalities.map(\.maxGroup)
        modalityRest = week.modalities.map(\.restAfterSlots)
        modalityNeedsTherapist = week.modalities.map(\.requiresTherapist)
        modalityIndividualWithTherapist = week.modalities.map { $0.maxGroup == 1 && $0.requiresTherapist }
        modalityRooms = week.modalities.map { modality in week.rooms.indices.filter { week.rooms[$0].type == modality.roomType } }

        roomCapacity = week.rooms.map(\.capacity)
        roomMaxSessions = week.rooms.map(\.maxSessions)
        roomEnd = Self.endTable(week.rooms.map(\.open), days: days, slots: slots)

        therapistCount = week.therapists.count
        therapistEnd = Self.endTable(week.therapists.map(\.shifts), days: days, slots: slots)
        therapistContactSlots = week.therapists.flatMap { therapist in therapist.maxContactMinutes.map { $0 / grid.slotMinutes } }

        patientEnd = Self.endTable(week.patients.map(\.availability), days: days, slots: slots)
        patientDailySlots = week.patients.map { $0.maxMinutesPerDay / grid.slotMinutes }
        patientGap = week.patients.map(\.minGapSlots)
        patientPriority = week.patients.map(\.priority)
        patientPreference = week.patients.map { $0.timePreference == "am" ? .morning : $0.timePreference == "pm" ? .afternoon : .none }
        patientOutpatient = week.patients.map { $0.setting == "outpatient" }
        let balanceDays = week.patients.map { patient in (0..<days).filter { !week.days[$0].weekend && !patient.availability[$0].isEmpty } }
        patientBalanceDays = balanceDays
        var isBalanceDay = [Bool](repeating: false, count: week.patients.count * days)
        for (patient, list) in balanceDays.enumerated() { for day in list { isBalanceDay[patient * days + day] = true } }
        patientIsBalanceDay = isBalanceDay

        var forbidden: [String: Set<String>] = [:]
        for rule in week.contraindicationRules { forbidden[rule.flag, default: []].formUnion(rule.modalities) }
        let exclusivePairs = week.sameDayExclusive.filter { $0.count == 2 }.map { ($0[0], $0[1]) }

        let prescriptions = week.prescriptions
        rxPatient = prescriptions.map { patientIndex[$0.patient] ?? 0 }
        rxModality = prescriptions.map { modalityIndex[$0.modality] ?? 0 }
        rxSessions = prescriptions.map(\.sessionsPerWeek)
        rxLength = prescriptions.map(\.sessionSlots)
        rxMaxPerDay = prescriptions.map(\.maxPerDay)
        var restAfter: [Int] = []
        var value: [Int] = []
        var rxDays: [[Int]] = []
        var rxTherapists: [[Int]] = []
        var reasons: [UnplacedReason?] = []
        var allowed = [Bool](repeating: false, count: prescriptions.count * week.therapists.count)
        var byTherapist = [[Int]](repeating: [], count: week.therapists.count)
        for (x, prescription) in prescriptions.enumerated() {
            let patient = week.patients[rxPatient[x]]
            let modality = week.modalities[rxModality[x]]
            restAfter.append(max(patient.minGapSlots, modality.restAfterSlots))
            value.append(w.unmetMinute * patient.priority * prescription.sessionSlots * grid.slotMinutes)
            let contraindicated =
                patient.flags.contains { forbidden[$0]?.contains(modality.id) == true }
                || exclusivePairs.contains { $0 == (modality.id, modality.id) }
            let earliest = modality.minDaysAfterStroke[patient.strokeType] ?? 0
            let attending = (0..<days).filter { !patient.availability[$0].isEmpty }
            let lateEnough = attending.filter { patient.daysSinceStroke + $0 >= earliest }
            var therapists: [Int] = []
            if modality.requiresTherapist, let skill = modality.skill {
                therapists = week.therapists.indices.filter { t in
                    let therapist = week.therapists[t]
                    return therapist.skills.contains(skill) && (!modality.teamRestricted || therapist.teams.contains(patient.team))
                }
            }
            for t in therapists {
                allowed[x * week.therapists.count + t] = true
                byTherapist[t].append(x)
            }
            let reason: UnplacedReason? =
                contraindicated
                ? .contraindicated
                : attending.isEmpty
                    ? .patientNotAttending
                    : lateEnough.isEmpty
                        ? .tooEarlyAfterStroke
                        : modalityRooms[rxModality[x]].isEmpty
                            ? .noRoomOfType
                            : modality.requiresTherapist && therapists.isEmpty
                                ? .noQualifiedTherapist
                                : prescription.maxPerDay == 0
                                    ? .dailyModalityLimit
                                    : nil
            reasons.append(reason)
            rxDays.append(reason == nil ? lateEnough : [])
            rxTherapists.append(therapists)
        }
        rxRestAfter = restAfter
        rxValue = value
        self.rxDays = rxDays
        self.rxTherapists = rxTherapists
        rxTherapistAllowed = allowed
        rxStaticReason = reasons
        therapistPrescriptions = byTherapist

        let patients = rxPatient
        let modalities = rxModality.map { week.modalities[$0].id }
        let longest = max(1, prescriptions.map(\.sessionSlots).max() ?? 1)
        self.longest = longest
        func startMask(_ table: [UInt8], _ row: Int, _ length: Int) -> UInt64 {
            var mask: UInt64 = 0
            for start in 0..<slots where start + length <= Int(table[row * slots + start]) { mask |= UInt64(1) << UInt64(start) }
            return mask
        }
        let patientTable = patientEnd
        let therapistTable = therapistEnd
        let roomTable = roomEnd
        rxStartMask = prescriptions.indices.flatMap { x in (0..<days).map { startMask(patientTable, patients[x] * days + $0, prescriptions[x].sessionSlots) } }
        therapistStartMask = (0..<(week.therapists.count * days)).flatMap { row in (0...longest).map { startMask(therapistTable, row, $0) } }
        roomStartMask = (0..<(week.rooms.count * days)).flatMap { row in (0...longest).map { startMask(roomTable, row, $0) } }

        var byPatient = [[Int]](repeating: [], count: week.patients.count)
        for x in prescriptions.indices { byPatient[patients[x]].append(x) }
        rxExclusive = prescriptions.indices.map { x in
            byPatient[patients[x]].filter { y in
                y != x && exclusivePairs.contains { $0 == (modalities[x], modalities[y]) || $0 == (modalities[y], modalities[x]) }
            }
        }
    }

    /// For every entity, day and start slot: the latest end of a session starting there that
    /// stays inside one window (0 where no window covers the slot).
    private static func endTable(_ windows: [RehabWeek.Windows], days: Int, slots: Int) -> [UInt8] {
        var table = [UInt8](repeating: 0, count: windows.count * days * slots)
        for (entity, perDay) in windows.enumerated() {
            for day in 0..<days {
                for window in perDay[day] where window.count == 2 {
                    let start = max(0, window[0])
                    let end = min(slots, window[1])
                    guard start < end else { continue }
                    for slot in start..<end {
                        let index = (entity * days + day) * slots + slot
                        table[index] = max(table[index], UInt8(end))
                    }
                }
            }
        }
        return table
    }

    var prescriptionCount: Int { rxPatient.count }
    var patientCount: Int { patientPriority.count }
    var roomCount: Int { roomCapacity.count }
    var modalityCount: Int { modalityMaxGroup.count }

    /// Objective of raw term values, in score.py's order and weights.
    func objective(
        unmetMinutes: Int, imbalanceMinutes: Int, extraTherapists: Int, preferenceViolations: Int,
        idleMinutes: Int, weekendSessions: Int
    ) -> Int {
        weights[0] * unmetMinutes + weights[1] * imbalanceMinutes + weights[2] * extraTherapists
            + weights[3] * preferenceViolations + weights[4] * idleMinutes + weights[5] * weekendSessions
    }
}
