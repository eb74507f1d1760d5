/// A week's plan as the solver changes it: sessions with their members, the occupancy of
/// every therapist, room and patient, and the objective terms, all kept up to date by four
/// primitive changes (open or close a session, add or remove a member) so that a move is
/// judged in constant time. Every change is logged so that a rejected move can be undone.
///
/// The plan never holds a hard violation: callers check `fits…` before each change.
struct PlanState {
    let model: SolverModel
    /// What re-planning keeps: the published rows, the cost of changing one, the first day
    /// that may change, and whether published rows that still fit may move at all.
    let pins: Pins

    struct Pins: Sendable {
        var published: Set<ResolvedRow> = []
        var moveWeight = 0
        var firstOpenDay = 0
        var keepPublished = false
    }

    /// Published rows the plan still has.
    private(set) var keptRows = 0

    // Sessions, by id (ids of closed sessions are reused, last closed first).
    private(set) var sessionModality: [Int] = []
    private(set) var sessionTherapist: [Int] = []
    private(set) var sessionRoom: [Int] = []
    private(set) var sessionDay: [Int] = []
    private(set) var sessionStart: [Int] = []
    private(set) var sessionLength: [Int] = []
    private(set) var sessionMembers: [[Int]] = []
    private var freeSessions: [Int] = []
    /// Open sessions, in no particular order, and each one's place in that list.
    private(set) var openSessions: [Int] = []
    private var openPosition: [Int] = []
    /// Open group sessions per `[modality * dayCount + day]`, for joining.
    private(set) var groupSessions: [[Int]]
    /// Open sessions per `[therapist * dayCount + day]`, per `[room * dayCount + day]` and per day.
    private(set) var therapistDaySessions: [[Int]]
    private(set) var roomDaySessions: [[Int]]
    private(set) var daySessions: [[Int]]
    private var dayPosition: [Int] = []

    // Prescriptions.
    private(set) var rxDelivered: [Int]
    private(set) var rxDayCount: [Int]
    private(set) var rxSessionIDs: [[Int]]
    private(set) var rxTherapistUse: [Int]
    private(set) var rxDistinctTherapists: [Int]
    /// Prescriptions with sessions still to place, and each one's place in that list.
    private(set) var unfinished: [Int] = []
    private var unfinishedPosition: [Int]

    // Patients per `[patient * dayCount + day]`.
    private(set) var patientDaySessions: [[Int]]
    private(set) var patientBusy: [UInt64]
    private(set) var patientResting: [UInt64]
    private(set) var patientSlots: [Int]
    private(set) var patientFirst: [Int]
    private(set) var patientLast: [Int]
    private(set) var patientImbalance: [Int]

    // Therapists per `[therapist * dayCount + day]`; rooms per slot.
    private(set) var therapistBusy: [UInt64]
    private(set) var therapistSlots: [Int]
    private(set) var roomSessions: [Int]
    private(set) var roomPatients: [Int]
    /// Per `[room * dayCount + day]`: slots where no further session fits (sessions or
    /// patients at the limit), and slots where no further patient fits.
    private(set) var roomNoSession: [UInt64]
    private(set) var roomNoPatient: [UInt64]

    // Objective terms, raw (score.py's units).
    private(set) var unmetMinutes = 0
    private(set) var imbalanceMinutes = 0
    private(set) var extraTherapists = 0
    private(set) var preferenceViolations = 0
    private(set) var idleMinutes = 0
    private(set) var weekendSessions = 0

    enum Change {
        case opened(Int)
        case closed(id: Int, modality: Int, therapist: Int, room: Int, day: Int, start: Int, length: Int)
        case added(session: Int, rx: Int)
        case removed(session: Int, rx: Int)
    }

    /// Changes since the log was last cleared.
    private(set) var log: [Change] = []

    init(model: SolverModel, pins: Pins = Pins()) {
        self.model = model
        self.pins = pins
        let days = model.dayCount
        groupSessions = Array(repeating: [], count: model.modalityCount * days)
        therapistDaySessions = Array(repeating: [], count: model.therapistCount * days)
        roomDaySessions = Array(repeating: [], count: model.roomCount * days)
        daySessions = Array(repeating: [], count: days)
        let rx = model.prescriptionCount
        rxDelivered = Array(repeating: 0, count: rx)
        rxDayCount = Array(repeating: 0, count: rx * days)
        rxSessionIDs = Array(repeating: [], count: rx)
        rxTherapistUse = Array(repeating: 0, count: rx * model.therapistCount)
        rxDistinctTherapists = Array(repeating: 0, count: rx)
        unfinishedPosition = Array(repeating: -1, count: rx)
        let patientDays = model.patientCount * days
        patientDaySessions = Array(repeating: [], count: patientDays)
        patientBusy = Array(repeating: 0, count: patientDays)
        patientResting = Array(repeating: 0, count: patientDays)
        patientSlots = Array(repeating: 0, count: patientDays)
        patientFirst = Array(repeating: 0, count: patientDays)
        patientLast = Array(repeating: 0, count: patientDays)
        patientImbalance = Array(repeating: 0, count: model.patientCount)
        therapistBusy = Array(repeating: 0, count: model.therapistCount * days)
        therapistSlots = Array(repeating: 0, count: model.therapistCount * days)
        roomSessions = Array(repeating: 0, count: model.roomCount * days * model.slotsPerDay)
        roomPatients = Array(repeating: 0, count: model.roomCount * days * model.slotsPerDay)
        roomNoSession = Array(repeating: 0, count: model.roomCount * days)
        roomNoPatient = Array(repeating: 0, count: model.roomCount * days)
        for room in 0..<model.roomCount {
            for day in 0..<days { adjustRoom(room, day: day, start: 0, length: model.slotsPerDay, sessions: 0, patients: 0) }
        }
        for x in 0..<rx where model.rxSessions[x] > 0 {
            unmetMinutes += model.patientPriority[model.rxPatient[x]] * model.rxSessions[x] * model.rxLength[x] * model.slotMinutes
            markUnfinished(x)
        }
    }

    /// score.py's objective of the plan.
    var scheduleObjective: Int {
        model.objective(
            unmetMinutes: unmetMinutes, imbalanceMinutes: imbalanceMinutes, extraTherapists: extraTherapists,
            preferenceViolations: preferenceViolations, idleMinutes: idleMinutes, weekendSessions: weekendSessions)
    }

    /// What the search minimises: score.py's objective plus, when re-planning, the cost of
    /// every published row the plan no longer has.
    var objective: Int { scheduleObjective + pins.moveWeight * (pins.published.count - keptRows) }

    /// Bits `[start, start + length)` of a day, clipped to the 64-slot mask.
    @inline(__always) static func mask(_ start: Int, _ length: Int) -> UInt64 {
        let end = min(64, start + length)
        guard start < end else { return 0 }
        let width = end - start
        return (width == 64 ? UInt64.max : (UInt64(1) << UInt64(width)) - 1) << UInt64(start)
    }

    // MARK: Primitive changes

    /// Opens an empty session and books its therapist and room.
    @discardableResult
    mutating func openSession(modality: Int, therapist: Int, room: Int, day: Int, start: Int, length: Int) -> Int {
        let id: Int
        if let reused = freeSessions.popLast() {
            id = reused
            sessionModality[id] = modality
            sessionTherapist[id] = therapist
            sessionRoom[id] = room
            sessionDay[id] = day
            sessionStart[id] = start
            sessionLength[id] = length
        } else {
            id = sessionModality.count
            sessionModality.append(modality)
            sessionTherapist.append(therapist)
            sessionRoom.append(room)
            sessionDay.append(day)
            sessionStart.append(start)
            sessionLength.append(length)
            sessionMembers.append([])
            openPosition.append(-1)
            dayPosition.append(-1)
        }
        openPosition[id] = openSessions.count
        openSessions.append(id)
        dayPosition[id] = daySessions[day].count
        daySessions[day].append(id)
        roomDaySessions[room * model.dayCount + day].append(id)
        if therapist >= 0 { therapistDaySessions[therapist * model.dayCount + day].append(id) }
        if model.modalityMaxGroup[modality] > 1 { groupSessions[modality * model.dayCount + day].append(id) }
        if therapist >= 0 {
            let td = therapist * model.dayCount + day
            therapistBusy[td] |= Self.mask(start, length)
            therapistSlots[td] += length
        }
        adjustRoom(room, day: day, start: start, length: length, sessions: 1, patients: 0)
        log.append(.opened(id))
        return id
    }

    /// Closes a session that has no members left.
    mutating func closeSession(_ id: Int) {
        let modality = sessionModality[id]
        let therapist = sessionTherapist[id]
        let room = sessionRoom[id]
        let day = sessionDay[id]
        let start = sessionStart[id]
        let length = sessionLength[id]
        if model.modalityMaxGroup[modality] > 1 { Self.remove(id, from: &groupSessions[modality * model.dayCount + day]) }
        Self.remove(id, from: &roomDaySessions[room * model.dayCount + day])
        if therapist >= 0 { Self.remove(id, from: &therapistDaySessions[therapist * model.dayCount + day]) }
        let dayIndex = dayPosition[id]
        let lastOfDay = daySessions[day].removeLast()
        if lastOfDay != id {
            daySessions[day][dayIndex] = lastOfDay
            dayPosition[lastOfDay] = dayIndex
        }
        if therapist >= 0 {
            let td = therapist * model.dayCount + day
            therapistBusy[td] &= ~Self.mask(start, length)
            therapistSlots[td] -= length
        }
        adjustRoom(room, day: day, start: start, length: length, sessions: -1, patients: 0)
        let position = openPosition[id]
        let last = openSessions.removeLast()
        if last != id {
            openSessions[position] = last
            openPosition[last] = position
        }
        openPosition[id] = -1
        freeSessions.append(id)
        log.append(.closed(id: id, modality: modality, therapist: therapist, room: room, day: day, start: start, length: length))
    }

    /// Gives one of prescription `x`'s sessions in session `id`.
    mutating func addMember(_ x: Int, to id: Int) {
        let days = model.dayCount
        let day = sessionDay[id]
        let start = sessionStart[id]
        let length = sessionLength[id]
        let patient = model.rxPatient[x]
        let pd = patient * days + day
        sessionMembers[id].append(x)
        rxSessionIDs[x].append(id)
        rxDelivered[x] += 1
        rxDayCount[x * days + day] += 1
        if rxDelivered[x] == model.rxSessions[x] { markFinished(x) }
        unmetMinutes -= model.patientPriority[patient] * length * model.slotMinutes
        let therapist = sessionTherapist[id]
        if therapist >= 0, model.modalityIndividualWithTherapist[sessionModality[id]] {
            let use = x * model.therapistCount + therapist
            rxTherapistUse[use] += 1
            if rxTherapistUse[use] == 1 {
                rxDistinctTherapists[x] += 1
                if rxDistinctTherapists[x] > 1 { extraTherapists += 1 }
            }
        }
        adjustRoom(sessionRoom[id], day: day, start: start, length: length, sessions: 0, patients: 1)
        if model.isWeekend[day] { weekendSessions += 1 }
        if violatesPreference(patient, start) { preferenceViolations += 1 }
        patientDaySessions[pd].append(id)
        patientChanged(patient, day)
        if isPublished(x, id) { keptRows += 1 }
        log.append(.added(session: id, rx: x))
    }

    /// Takes one of prescription `x`'s sessions out of session `id`; closes the session
    /// when it is left empty (unless undoing, where the log closes it).
    mutating func removeMember(_ x: Int, from id: Int, closingEmpty: Bool = true) {
        let days = model.dayCount
        let day = sessionDay[id]
        let start = sessionStart[id]
        let length = sessionLength[id]
        let patient = model.rxPatient[x]
        let pd = patient * days + day
        if let index = sessionMembers[id].firstIndex(of: x) { sessionMembers[id].swapAt(index, sessionMembers[id].count - 1) }
        sessionMembers[id].removeLast()
        if let index = rxSessionIDs[x].firstIndex(of: id) { rxSessionIDs[x].swapAt(index, rxSessionIDs[x].count - 1) }
        rxSessionIDs[x].removeLast()
        if rxDelivered[x] == model.rxSessions[x] { markUnfinished(x) }
        rxDelivered[x] -= 1
        rxDayCount[x * days + day] -= 1
        unmetMinutes += model.patientPriority[patient] * length * model.slotMinutes
        let therapist = sessionTherapist[id]
        if therapist >= 0, model.modalityIndividualWithTherapist[sessionModality[id]] {
            let use = x * model.therapistCount + therapist
            rxTherapistUse[use] -= 1
            if rxTherapistUse[use] == 0 {
                if rxDistinctTherapists[x] > 1 { extraTherapists -= 1 }
                rxDistinctTherapists[x] -= 1
            }
        }
        adjustRoom(sessionRoom[id], day: day, start: start, length: length, sessions: 0, patients: -1)
        if model.isWeekend[day] { weekendSessions -= 1 }
        if violatesPreference(patient, start) { preferenceViolations -= 1 }
        if let index = patientDaySessions[pd].firstIndex(of: id) { patientDaySessions[pd].remove(at: index) }
        patientChanged(patient, day)
        if isPublished(x, id) { keptRows -= 1 }
        log.append(.removed(session: id, rx: x))
        if closingEmpty, sessionMembers[id].isEmpty { closeSession(id) }
    }

    /// Empties the log: the changes so far are kept.
    mutating func commit() { log.removeAll(keepingCapacity: true) }

    /// Reverts every change since the last `commit()`.
    mutating func rollback() {
        let changes = log
        for change in changes.reversed() {
            switch change {
            case .opened(let id): closeSession(id)
            case .closed(let id, let modality, let therapist, let room, let day, let start, let length):
                let reopened = openSession(modality: modality, therapist: therapist, room: room, day: day, start: start, length: length)
                assert(reopened == id, "sessions are reopened in the order they were closed")
            case .added(let session, let rx): removeMember(rx, from: session, closingEmpty: false)
            case .removed(let session, let rx): addMember(rx, to: session)
            }
        }
        log.removeAll(keepingCapacity: true)
    }

    /// Removes `id` from a short list, keeping the order of the rest.
    private static func remove(_ id: Int, from list: inout [Int]) {
        if let index = list.firstIndex(of: id) { list.remove(at: index) }
    }

    // MARK: Derived terms

    /// Whether prescription `x`'s place in session `id` may not change: its day is past, or
    /// it is a published row kept as it is.
    @inline(__always) func isPinned(_ x: Int, _ id: Int) -> Bool {
        sessionDay[id] < pins.firstOpenDay || (pins.keepPublished && isPublished(x, id))
    }

    @inline(__always) private func isPublished(_ x: Int, _ id: Int) -> Bool {
        !pins.published.isEmpty
            && pins.published.contains(
                ResolvedRow(
                    rx: x, modality: sessionModality[id], therapist: sessionTherapist[id],
                    room: sessionRoom[id], day: sessionDay[id], start: sessionStart[id],
                    length: sessionLength[id]))
    }

    /// Changes a room's session and patient counts over `[start, start + length)` and the
    /// masks of slots where no further session or patient fits.
    @inline(__always) private mutating func adjustRoom(_ room: Int, day: Int, start: Int, length: Int, sessions: Int, patients: Int) {
        let rd = room * model.dayCount + day
        let base = rd * model.slotsPerDay
        let sessionLimit = model.roomMaxSessions[room]
        let capacity = model.roomCapacity[room]
        var noSession = roomNoSession[rd]
        var noPatient = roomNoPatient[rd]
        for slot in start..<(start + length) {
            roomSessions[base + slot] += sessions
            roomPatients[base + slot] += patients
            let bit = UInt64(1) << UInt64(slot)
            let patientsFull = roomPatients[base + slot] >= capacity
            noPatient = patientsFull ? noPatient | bit : noPatient & ~bit
            noSession = patientsFull || roomSessions[base + slot] >= sessionLimit ? noSession | bit : noSession & ~bit
        }
        roomNoSession[rd] = noSession
        roomNoPatient[rd] = noPatient
    }

    /// Recomputes a patient-day's masks, minutes and span, and the patient's imbalance and
    /// idle terms.
    private mutating func patientChanged(_ patient: Int, _ day: Int) {
        let pd = patient * model.dayCount + day
        var busy: UInt64 = 0
        var resting: UInt64 = 0
        var slots = 0
        var first = Int.max
        var last = 0
        for id in patientDaySessions[pd] {
            let start = sessionStart[id]
            let length = sessionLength[id]
            let rest = max(model.patientGap[patient], model.modalityRest[sessionModality[id]])
            busy |= Self.mask(start, length)
            resting |= Self.mask(start, length + rest)
            slots += length
            first = min(first, start)
            last = max(last, start + length)
        }
        if model.patientOutpatient[patient] {
            idleMinutes -= idleSlots(pd) * model.slotMinutes
        }
        patientBusy[pd] = busy
        patientResting[pd] = resting
        patientSlots[pd] = slots
        patientFirst[pd] = slots == 0 ? 0 : first
        patientLast[pd] = last
        if model.patientOutpatient[patient] {
            idleMinutes += idleSlots(pd) * model.slotMinutes
        }
        if model.patientIsBalanceDay[pd] {
            let imbalance = imbalanceSlots(patient, changedDay: day, by: 0)
            imbalanceMinutes += (imbalance - patientImbalance[patient]) * model.slotMinutes
            patientImbalance[patient] = imbalance
        }
    }

    private mutating func markUnfinished(_ x: Int) {
        unfinishedPosition[x] = unfinished.count
        unfinished.append(x)
    }

    private mutating func markFinished(_ x: Int) {
        let position = unfinishedPosition[x]
        let last = unfinished.removeLast()
        if last != x {
            unfinished[position] = last
            unfinishedPosition[last] = position
        }
        unfinishedPosition[x] = -1
    }
}
