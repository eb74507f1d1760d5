import Clinical
import Foundation

/// One search thread: builds a first plan greedily, then improves it by ruin and recreate
/// (remove related sessions, put the freed and the waiting sessions back at their cheapest
/// places) under simulated annealing. Everything it does follows from its seed; the driver
/// decides how many epochs it runs.
struct SearchWorker {
    let model: SolverModel
    private(set) var plan: PlanState
    private var random: SeededRandom
    private(set) var best: PlanSnapshot
    private var bestObjective: Int
    /// Candidate placements judged so far.
    private(set) var evaluations = 0
    /// Ruin-and-recreate moves tried so far.
    private(set) var moves = 0
    private var removed: [Int] = []
    private var candidates: [(rx: Int, key: Double)] = []
    private var nearby: [(id: Int, distance: Int)] = []
    /// Therapists whose time the current move freed.
    private var freedTherapists: [Int] = []

    struct Tuning: Sendable {
        /// Ranking penalty for opening a group session instead of joining one.
        var openPenalty = 60
        /// Temperature at the start and at the end of a cooling cycle.
        var hotTemperature = 100.0
        var coldTemperature = 1.0
        /// Most sessions one move removes.
        var maximumRuin = 24
        /// Ranking penalty per side of a therapist session that leaves a gap.
        var fragmentPenalty = 15
        /// Epochs of the first cooling cycle; each following cycle is twice as long.
        var firstCycle = 4
        /// Work per epoch: judged placements, a move counting ten.
        var epochWork = 100_000
    }

    let tuning: Tuning

    init(model: SolverModel, start: PlanState, seed: UInt64, tuning: Tuning = Tuning()) {
        self.model = model
        self.tuning = tuning
        random = SeededRandom(seed: seed)
        plan = start
        best = PlanSnapshot(start)
        bestObjective = best.objective
    }

    var objective: Int { plan.objective }

    /// Places every waiting session it can, most valuable first (with a little noise so that
    /// seeds differ), group modalities before individual ones.
    mutating func construct() {
        fill(noise: 0.2)
        saveBest()
    }

    /// Places every waiting session that still fits and lowers the objective.
    mutating func fill(noise: Double) {
        var jobs: [(rx: Int, key: Double)] = []
        for x in plan.unfinished {
            let group = model.modalityMaxGroup[model.rxModality[x]] > 1
            for _ in plan.rxDelivered[x]..<model.rxSessions[x] {
                jobs.append((x, Double(model.rxValue[x]) * (1 - noise / 2 + noise * random.unit()) + (group ? 1e12 : 0)))
            }
        }
        jobs.sort { $0.key > $1.key }
        for job in jobs { insert(job.rx) }
        plan.commit()
    }

    @inline(__always) private mutating func insert(_ x: Int) {
        if let placement = plan.bestPlacement(
            for: x, openPenalty: tuning.openPenalty, fragmentPenalty: tuning.fragmentPenalty, random: &random, evaluations: &evaluations),
            placement.delta - (placement.session < 0 && model.modalityMaxGroup[model.rxModality[x]] > 1 ? tuning.openPenalty : 0) < 0
        {
            plan.place(x, at: placement)
        }
    }

    /// Runs moves until `work` more units are done (a unit: one judged placement, or ten per
    /// move) or the deadline passes, at a temperature falling from `fromTemperature` to
    /// `toTemperature`.
    mutating func run(work: Int, fromTemperature: Double, toTemperature: Double, deadline: ContinuousClock.Instant) {
        let target = evaluations + moves * 10 + work
        var current = plan.objective
        while evaluations + moves * 10 < target, moves % 8 != 0 || ContinuousClock.now < deadline {
            let done = Double(work - (target - evaluations - moves * 10)) / Double(work)
            let temperature = fromTemperature * pow(toTemperature / fromTemperature, max(0, min(1, done)))
            moves += 1
            if random.below(5) == 0 {
                guard exchangeTherapists() else { continue }
            } else {
                ruin()
                recreate()
            }
            let next = plan.objective
            let accept = next <= current || random.unit() < exp(Double(current - next) / temperature)
            guard accept else {
                plan.rollback()
                continue
            }
            if next > current, current == bestObjective, best.objective > bestObjective {
                // Leaving an unsaved best: keep it first, and give up this move.
                plan.rollback()
                saveBest()
                continue
            }
            plan.commit()
            current = next
            if next < bestObjective { bestObjective = next }
            if next == 0 { break }
        }
        if current == bestObjective, best.objective > bestObjective { saveBest() }
    }

    private mutating func saveBest() {
        best = PlanSnapshot(plan)
        bestObjective = best.objective
    }

    /// Starts again from `snapshot` (the best plan of all threads).
    mutating func restart(from snapshot: PlanSnapshot) {
        plan = snapshot.plan(model)
        best = snapshot
        bestObjective = snapshot.objective
    }

    /// A random open session, read in place: holding a copy of the list while the plan
    /// changes would copy it on every move.
    private mutating func randomOpenSession() -> Int? {
        let count = plan.openSessions.count
        return count == 0 ? nil : plan.openSessions[random.below(count)]
    }

    // MARK: Ruin

    private mutating func ruin() {
        removed.removeAll(keepingCapacity: true)
        freedTherapists.removeAll(keepingCapacity: true)
        guard let seed = randomOpenSession() else { return }
        let size = 1 + random.below(min(tuning.maximumRuin, max(2, plan.openSessions.count / 8)))
        switch random.below(7) {
        case 6:
            makeRoom(size: size)
        case 0:
            for _ in 0..<size {
                guard let id = randomOpenSession() else { break }
                let members = plan.sessionMembers[id]
                removeMember(members[random.below(members.count)], from: id)
            }
        case 1:
            let patient = model.rxPatient[plan.sessionMembers[seed][0]]
            for day in 0..<model.dayCount {
                for id in plan.patientDaySessions[patient * model.dayCount + day] {
                    for x in plan.sessionMembers[id] where model.rxPatient[x] == patient { removeMember(x, from: id) }
                }
            }
        case 2:
            let x = plan.sessionMembers[seed][random.below(plan.sessionMembers[seed].count)]
            for id in plan.rxSessionIDs[x] { removeMember(x, from: id) }
        case 3 where plan.sessionTherapist[seed] >= 0:
            removeSessions(near: seed, size: size, from: plan.therapistDaySessions[plan.sessionTherapist[seed] * model.dayCount + plan.sessionDay[seed]])
        case 4:
            removeSessions(near: seed, size: size, from: plan.roomDaySessions[plan.sessionRoom[seed] * model.dayCount + plan.sessionDay[seed]])
        default:
            removeSessions(near: seed, size: size, from: plan.daySessions[plan.sessionDay[seed]], within: 2 + random.below(10))
        }
    }

    /// Clears a place for a waiting session: on one of its days, the sessions of one of its
    /// therapists near a time its patient is free, and the patient's own sessions that day
    /// (the waiting session is put back first, being among the most valuable).
    private mutating func makeRoom(size: Int) {
        let waiting = plan.unfinished
        guard !waiting.isEmpty else { return }
        let x = waiting[random.below(waiting.count)]
        let days = model.rxDays[x]
        guard !days.isEmpty else { return }
        let day = days[random.below(days.count)]
        let therapists = model.rxTherapists[x]
        var starts = model.rxStartMask[x * model.dayCount + day]
        guard starts != 0 else { return }
        for _ in 0..<random.below(starts.nonzeroBitCount) { starts &= starts - 1 }
        let start = starts.trailingZeroBitCount
        let list =
            therapists.isEmpty
            ? plan.daySessions[day]
            : plan.therapistDaySessions[therapists[random.below(therapists.count)] * model.dayCount + day]
        nearby.removeAll(keepingCapacity: true)
        for id in list { nearby.append((id, abs(plan.sessionStart[id] - start) * 8 + random.below(8))) }
        nearby.sort { $0.distance < $1.distance }
        for entry in nearby.prefix(max(1, size / 4)) {
            for member in plan.sessionMembers[entry.id] { removeMember(member, from: entry.id) }
        }
        if random.below(2) == 0 {
            for id in plan.patientDaySessions[model.rxPatient[x] * model.dayCount + day] {
                for member in plan.sessionMembers[id] where model.rxPatient[member] == model.rxPatient[x] { removeMember(member, from: id) }
            }
        }
        removed.append(x)
    }

    /// Removes up to `size` whole sessions of `list`, nearest in start to the seed first (ties
    /// at random), only those starting within `window` slots of it.
    private mutating func removeSessions(near seed: Int, size: Int, from list: [Int], within window: Int = Int.max) {
        let middle = plan.sessionStart[seed]
        nearby.removeAll(keepingCapacity: true)
        for id in list {
            let distance = abs(plan.sessionStart[id] - middle)
            if distance <= window { nearby.append((id, distance * 8 + random.below(8))) }
        }
        nearby.sort { $0.distance < $1.distance }
        for entry in nearby.prefix(size) {
            for x in plan.sessionMembers[entry.id] { removeMember(x, from: entry.id) }
        }
    }

    @inline(__always) private mutating func removeMember(_ x: Int, from id: Int) {
        guard !plan.isPinned(x, id) else { return }
        let therapist = plan.sessionTherapist[id]
        if therapist >= 0, !freedTherapists.contains(therapist) { freedTherapists.append(therapist) }
        plan.removeMember(x, from: id)
        removed.append(x)
    }

    // MARK: Therapist exchange

    /// Gives an individual session the therapist its prescription already has elsewhere (or
    /// another qualified one), handing that therapist's overlapping session, if any, the
    /// first therapist in exchange: what continuity needs and ruin and recreate rarely finds.
    /// Returns false (and changes nothing) when the exchange does not fit.
    private mutating func exchangeTherapists() -> Bool {
        guard let first = randomOpenSession() else { return false }
        let firstTherapist = plan.sessionTherapist[first]
        guard firstTherapist >= 0, model.modalityIndividualWithTherapist[plan.sessionModality[first]] else { return false }
        let x = plan.sessionMembers[first][0]
        let day = plan.sessionDay[first]
        guard !plan.isPinned(x, first) else { return false }
        let used = plan.rxSessionIDs[x].map { plan.sessionTherapist[$0] }.filter { $0 != firstTherapist }
        let choices = used.isEmpty ? model.rxTherapists[x].filter { $0 != firstTherapist } : used
        guard !choices.isEmpty else { return false }
        let target = choices[random.below(choices.count)]
        let start = plan.sessionStart[first]
        let end = start + plan.sessionLength[first]
        let partner = plan.therapistDaySessions[target * model.dayCount + day].first { id in
            plan.sessionStart[id] < end && start < plan.sessionStart[id] + plan.sessionLength[id]
        }
        var moved = [(session: first, rx: x, therapist: target)]
        if let partner {
            guard model.modalityIndividualWithTherapist[plan.sessionModality[partner]] else { return false }
            let y = plan.sessionMembers[partner][0]
            guard model.rxTherapistAllowed[y * model.therapistCount + firstTherapist], !plan.isPinned(y, partner) else { return false }
            moved.append((partner, y, firstTherapist))
        }
        var placed: [(modality: Int, therapist: Int, room: Int, day: Int, start: Int, length: Int, rx: Int)] = []
        for entry in moved {
            let id = entry.session
            placed.append(
                (
                    plan.sessionModality[id], entry.therapist, plan.sessionRoom[id], plan.sessionDay[id], plan.sessionStart[id],
                    plan.sessionLength[id], entry.rx
                ))
            plan.removeMember(entry.rx, from: id)
        }
        for session in placed {
            guard plan.therapistBlock(session.therapist, day: session.day, start: session.start, length: session.length) == nil else {
                plan.rollback()
                return false
            }
            let id = plan.openSession(
                modality: session.modality, therapist: session.therapist, room: session.room, day: session.day,
                start: session.start, length: session.length)
            plan.addMember(session.rx, to: id)
        }
        return true
    }

    // MARK: Recreate

    private mutating func recreate() {
        candidates.removeAll(keepingCapacity: true)
        for x in removed { candidates.append((x, 0)) }
        let waiting = plan.unfinished
        if !waiting.isEmpty {
            for _ in 0..<(removed.count + 2) { candidates.append((waiting[random.below(waiting.count)], 0)) }
        }
        // Waiting sessions that could use the time the move freed.
        for therapist in freedTherapists.prefix(4) {
            let eligible = model.therapistPrescriptions[therapist]
            guard !eligible.isEmpty else { continue }
            for _ in 0..<4 {
                let x = eligible[random.below(eligible.count)]
                if plan.rxDelivered[x] < model.rxSessions[x] { candidates.append((x, 0)) }
            }
        }
        for index in candidates.indices {
            candidates[index].key = Double(model.rxValue[candidates[index].rx]) * (0.8 + 0.4 * random.unit())
        }
        candidates.sort { $0.key > $1.key }
        for candidate in candidates { insert(candidate.rx) }
    }
}
