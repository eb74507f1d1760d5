/// The objective terms of one more session, judged against the plan before it changes, and
/// the mask arithmetic the checks share.
extension PlanState {
    /// Starts of a session of `length` slots that meet none of the `blocked` slots.
    @inline(__always) static func freeStarts(_ blocked: UInt64, length: Int) -> UInt64 {
        var spread = blocked
        var shift = 1
        while shift < length {
            spread |= blocked >> UInt64(shift)
            shift += 1
        }
        return ~spread
    }

    /// Whether a session starting at `start` goes against the patient's morning or afternoon
    /// preference.
    @inline(__always) func violatesPreference(_ patient: Int, _ start: Int) -> Bool {
        switch model.patientPreference[patient] {
        case .none: false
        case .morning: start >= model.amPmBoundary
        case .afternoon: start < model.amPmBoundary
        }
    }

    /// Outpatient idle slots of a patient-day: span minus session slots.
    @inline(__always) func idleSlots(_ pd: Int) -> Int {
        patientSlots[pd] == 0 ? 0 : patientLast[pd] - patientFirst[pd] - patientSlots[pd]
    }

    /// The patient's max − min daily slots over their balance days, with `extra` slots on `changedDay`.
    @inline(__always) func imbalanceSlots(_ patient: Int, changedDay: Int, by extra: Int) -> Int {
        var high = Int.min
        var low = Int.max
        for day in model.patientBalanceDays[patient] {
            let slots = patientSlots[patient * model.dayCount + day] + (day == changedDay ? extra : 0)
            high = max(high, slots)
            low = min(low, slots)
        }
        return high == Int.min ? 0 : high - low
    }

    /// The part of the objective change of giving prescription `x` one more session on `day`
    /// that does not depend on the start: delivered minutes, weekend, daily balance.
    @inline(__always) func dayDelta(_ x: Int, day: Int) -> Int {
        let patient = model.rxPatient[x]
        let pd = patient * model.dayCount + day
        let w = model.weights
        var delta = -model.rxValue[x]
        if model.isWeekend[day] { delta += w[5] }
        if model.patientIsBalanceDay[pd] {
            delta += w[1] * (imbalanceSlots(patient, changedDay: day, by: model.rxLength[x]) - patientImbalance[patient]) * model.slotMinutes
        }
        return delta
    }

    /// The part that depends on the start: time preference and outpatient idle time.
    @inline(__always) func startDelta(_ x: Int, day: Int, start: Int) -> Int {
        let patient = model.rxPatient[x]
        let w = model.weights
        var delta = violatesPreference(patient, start) ? w[3] : 0
        let pd = patient * model.dayCount + day
        if model.patientOutpatient[patient], patientSlots[pd] > 0 {
            let length = model.rxLength[x]
            let span = max(patientLast[pd], start + length) - min(patientFirst[pd], start)
            delta += w[4] * (span - patientSlots[pd] - length - idleSlots(pd)) * model.slotMinutes
        }
        return delta
    }

    /// The continuity cost of therapist `therapist` giving prescription `x` a session.
    @inline(__always) func therapistDelta(_ x: Int, _ therapist: Int) -> Int {
        rxTherapistUse[x * model.therapistCount + therapist] == 0 && rxDistinctTherapists[x] >= 1 ? model.weights[2] : 0
    }
}
