import Clinical

/// Where one more session of a prescription could go (a new session takes the first free
/// room of its type when placed).
struct Placement {
    var day: Int
    var start: Int
    var therapist: Int
    /// The group session to join, or −1 to open a new session.
    var session: Int
    /// The objective change (plus the opening penalty when ranking group openings).
    var delta: Int
}

extension PlanState {
    /// The cheapest feasible place for one more session of prescription `x`, ties broken at
    /// random; nil if none fits. Opening a new group session is ranked `openPenalty` worse
    /// than joining one, so that groups fill before therapists are spent on new ones.
    /// Every candidate judged counts in `evaluations`.
    func bestPlacement(for x: Int, openPenalty: Int, fragmentPenalty: Int, random: inout SeededRandom, evaluations: inout Int) -> Placement? {
        guard rxDelivered[x] < model.rxSessions[x] else { return nil }
        let modality = model.rxModality[x]
        let length = model.rxLength[x]
        let isGroup = model.modalityMaxGroup[modality] > 1
        let needsTherapist = model.modalityNeedsTherapist[modality]
        var best: Placement?
        var ties = 0

        @inline(__always) func consider(_ candidate: Placement) {
            evaluations += 1
            if let current = best {
                if candidate.delta > current.delta { return }
                if candidate.delta == current.delta {
                    ties += 1
                    if random.below(ties) != 0 { return }
                } else {
                    ties = 1
                }
            } else {
                ties = 1
            }
            best = candidate
        }

        let days = model.dayCount
        let rooms = model.modalityRooms[modality]
        let longest = model.longest + 1
        for day in model.rxDays[x] where day >= pins.firstOpenDay {
            if dayBlock(x, day: day) != nil { continue }
            let perDay = dayDelta(x, day: day)
            let patientStarts = patientStartMask(x, day: day)
            if isGroup {
                for id in groupSessions[modality * days + day] {
                    let start = sessionStart[id]
                    guard patientStarts & (UInt64(1) << UInt64(start)) != 0, groupBlock(x, session: id) == nil else { continue }
                    consider(
                        Placement(
                            day: day, start: start, therapist: sessionTherapist[id], session: id,
                            delta: perDay + startDelta(x, day: day, start: start)))
                }
            }
            var roomStarts: UInt64 = 0
            for room in rooms {
                let rd = room * days + day
                roomStarts |= model.roomStartMask[rd * longest + length] & Self.freeStarts(roomNoSession[rd], length: length)
            }
            let starts = patientStarts & roomStarts
            guard starts != 0 else { continue }
            let opening = isGroup ? openPenalty : 0
            if needsTherapist {
                for therapist in model.rxTherapists[x] {
                    let td = therapist * days + day
                    guard therapistSlots[td] + length <= model.therapistContactSlots[td] else { continue }
                    var free = starts & model.therapistStartMask[td * longest + length] & Self.freeStarts(therapistBusy[td], length: length)
                    guard free != 0 else { continue }
                    let continuity = isGroup ? 0 : therapistDelta(x, therapist)
                    while free != 0 {
                        let start = free.trailingZeroBitCount
                        free &= free - 1
                        consider(
                            Placement(
                                day: day, start: start, therapist: therapist, session: -1,
                                delta: perDay + startDelta(x, day: day, start: start) + opening + continuity
                                    + fragmentPenalty * gapSides(therapist, day: day, start: start, length: length)))
                    }
                }
            } else {
                var free = starts
                while free != 0 {
                    let start = free.trailingZeroBitCount
                    free &= free - 1
                    if isGroup, !rooms.contains(where: { freeRoom($0, modality: modality, day: day, start: start, length: length) }) { continue }
                    consider(
                        Placement(
                            day: day, start: start, therapist: -1, session: -1,
                            delta: perDay + startDelta(x, day: day, start: start) + opening))
                }
            }
        }
        return best
    }

    /// How many sides of `[start, start + length)` leave a free gap in the therapist's shift
    /// (0: the session fits snugly between sessions or shift edges).
    @inline(__always) func gapSides(_ therapist: Int, day: Int, start: Int, length: Int) -> Int {
        let td = therapist * model.dayCount + day
        let busy = therapistBusy[td]
        let base = td * model.slotsPerDay
        let end = start + length
        let leftTight = start == 0 || busy & (UInt64(1) << UInt64(start - 1)) != 0 || Int(model.therapistEnd[base + start - 1]) < end
        let rightTight = end >= model.slotsPerDay || busy & (UInt64(1) << UInt64(end)) != 0 || Int(model.therapistEnd[base + start]) == end
        return (leftTight ? 0 : 1) + (rightTight ? 0 : 1)
    }

    /// Starts at which the patient of `x` can take a session on `day`: inside an availability
    /// window, not overlapping another session, with the rest needed before and after.
    @inline(__always) func patientStartMask(_ x: Int, day: Int) -> UInt64 {
        let pd = model.rxPatient[x] * model.dayCount + day
        let length = model.rxLength[x]
        return model.rxStartMask[x * model.dayCount + day] & Self.freeStarts(patientResting[pd], length: length)
            & Self.freeStarts(patientBusy[pd], length: length + model.rxRestAfter[x])
    }

    /// Whether `room` can host a new session of `modality` at `day`/`start`: open, below its
    /// limits, and (for a group modality without a therapist) not already hosting a group of
    /// it that starts then, which the schedule file could not tell apart.
    func freeRoom(_ room: Int, modality: Int, day: Int, start: Int, length: Int) -> Bool {
        guard roomBlock(room, day: day, start: start, length: length) == nil else { return false }
        guard model.modalityMaxGroup[modality] > 1, !model.modalityNeedsTherapist[modality] else { return true }
        return !groupSessions[modality * model.dayCount + day].contains { sessionRoom[$0] == room && sessionStart[$0] == start }
    }

    /// Gives prescription `x` one more session at `placement` (a new session goes to the first
    /// room of its type that is free).
    mutating func place(_ x: Int, at placement: Placement) {
        let modality = model.rxModality[x]
        let length = model.rxLength[x]
        var id = placement.session
        if id < 0 {
            guard
                let room = model.modalityRooms[modality].first(where: {
                    freeRoom($0, modality: modality, day: placement.day, start: placement.start, length: length)
                })
            else {
                return
            }
            id = openSession(modality: modality, therapist: placement.therapist, room: room, day: placement.day, start: placement.start, length: length)
        }
        addMember(x, to: id)
    }
}
