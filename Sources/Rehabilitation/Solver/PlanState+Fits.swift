/// The hard constraints of problem.md §4 as checks against the current plan: each answers
/// whether one more session (or member) fits, or names the first rule that blocks it.
extension PlanState {
    /// Whether prescription `x` may have one more session on `day` (H6, H19, H23).
    @inline(__always) func dayBlock(_ x: Int, day: Int) -> UnplacedReason? {
        let days = model.dayCount
        if rxDayCount[x * days + day] >= model.rxMaxPerDay[x] { return .dailyModalityLimit }
        for y in model.rxExclusive[x] where rxDayCount[y * days + day] > 0 { return .sameDayExclusive }
        let patient = model.rxPatient[x]
        if patientSlots[patient * days + day] + model.rxLength[x] > model.patientDailySlots[patient] { return .dailyMinutesCap }
        return nil
    }

    /// Whether the patient of `x` can be in a session `[start, start + length)` on `day`:
    /// availability (H18), no overlap (H17) and rest before and after (H20).
    @inline(__always) func patientBlock(_ x: Int, day: Int, start: Int) -> UnplacedReason? {
        let pd = model.rxPatient[x] * model.dayCount + day
        let length = model.rxLength[x]
        if start + length > Int(model.patientEnd[pd * model.slotsPerDay + start]) { return .patientUnavailable }
        let core = Self.mask(start, length)
        let withRest = Self.mask(start, length + model.rxRestAfter[x])
        if core & patientResting[pd] != 0 || withRest & patientBusy[pd] != 0 { return .patientBusy }
        return nil
    }

    /// Whether a therapist can take a session: shift (H10), no double booking (H11) and
    /// contact limit (H12).
    @inline(__always) func therapistBlock(_ therapist: Int, day: Int, start: Int, length: Int) -> UnplacedReason? {
        let td = therapist * model.dayCount + day
        if start + length > Int(model.therapistEnd[td * model.slotsPerDay + start]) || therapistBusy[td] & Self.mask(start, length) != 0 {
            return .noTherapistFree
        }
        if therapistSlots[td] + length > model.therapistContactSlots[td] { return .therapistContactLimit }
        return nil
    }

    /// Whether a room can host a new session of one patient (H14, H15).
    @inline(__always) func roomBlock(_ room: Int, day: Int, start: Int, length: Int) -> UnplacedReason? {
        let base = (room * model.dayCount + day) * model.slotsPerDay
        if start + length > Int(model.roomEnd[base + start]) { return .roomClosed }
        let sessionLimit = model.roomMaxSessions[room]
        let capacity = model.roomCapacity[room]
        for slot in (base + start)..<(base + start + length) where roomSessions[slot] >= sessionLimit || roomPatients[slot] >= capacity {
            return .roomFull
        }
        return nil
    }

    /// Whether group session `id` can take prescription `x`'s patient besides its members
    /// (H4, H9, H15, H16), not counting the patient's own timetable.
    @inline(__always) func groupBlock(_ x: Int, session id: Int) -> UnplacedReason? {
        let modality = sessionModality[id]
        if sessionLength[id] != model.rxLength[x] || sessionMembers[id].count >= model.modalityMaxGroup[modality] { return .roomFull }
        let therapist = sessionTherapist[id]
        if therapist >= 0, !model.rxTherapistAllowed[x * model.therapistCount + therapist] { return .noTherapistFree }
        if sessionMembers[id].contains(x) { return .dailyModalityLimit }
        let room = sessionRoom[id]
        let day = sessionDay[id]
        let start = sessionStart[id]
        let base = (room * model.dayCount + day) * model.slotsPerDay
        let capacity = model.roomCapacity[room]
        for slot in (base + start)..<(base + start + sessionLength[id]) where roomPatients[slot] >= capacity { return .roomFull }
        return nil
    }
}
