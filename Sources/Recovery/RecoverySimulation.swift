/// A simulated course, one value per day from onset (index = day).
public struct RecoveryTrajectory: Sendable, Codable, Equatable {
    public var model: String
    public var fm: [Double]
    public var n: [Double]
    public var m: [Double]
    public var u: [Double]
    public var mg: [Double]
    public var p: [Double]
    public var r: [Double]

    enum CodingKeys: String, CodingKey {
        case model
        case fm = "FM"
        case n = "N"
        case m = "M"
        case u = "U"
        case mg = "MG"
        case p = "P"
        case r
    }
}

extension RecoveryModel {
    /// Simulates days 0…`days` (the horizon of Protocols/recovery: `model_inputs.horizon_days`) with the classical Runge–Kutta method: steps of at most `step`
    /// days, aligned to every instant the inputs change (dose segments, reperfusion, t_stab)
    /// and to whole days, so that each step sees smooth inputs and a constant dose.
    public func simulate(days: Int, step: Double = 0.25) -> RecoveryTrajectory {
        var trajectory = RecoveryTrajectory(model: Self.version, fm: [], n: [], m: [], u: [], mg: [], p: [], r: [])
        trajectory.fm.reserveCapacity(days + 1)
        integrate(days: days, step: step) { day, state in
            let t = Double(day)
            trajectory.fm.append(66 * function(at: t, state))
            trajectory.n.append(state.n)
            trajectory.m.append(state.m)
            trajectory.u.append(state.u)
            trajectory.mg.append(state.mg)
            trajectory.p.append(Self.penumbra(at: t, parameters))
            trajectory.r.append(recoverableFraction(at: t))
        }
        return trajectory
    }

    /// FM-UE on days 0…`days` only (the fit's and the band's inner loop): one-day steps by
    /// default, within 1e-4 FM points of the quarter-day course (tested), and the states FM
    /// does not depend on left out.
    public func functionScores(days: Int, step: Double = 1) -> [Double] {
        var scores: [Double] = []
        scores.reserveCapacity(days + 1)
        integrate(days: days, step: step, scoresOnly: true) { day, state in scores.append(66 * function(at: Double(day), state)) }
        return scores
    }

    /// Integrates from onset, calling `record` with the state at each whole day.
    func integrate(days: Int, step: Double, scoresOnly: Bool = false, record: (Int, State) -> Void) {
        let p = parameters
        var state = State(n: p.n0, m: 0, u: 0, mg: 0)
        record(0, state)
        guard days > 0 else { return }
        let end = Double(days)
        var cuts = schedule.changes(from: 0, to: end) + [p.tStab]
        if let reperfusion = p.tR { cuts.append(reperfusion) }
        var extra = Set(cuts.filter { $0 > 0 && $0 < end && $0 != $0.rounded(.down) }).sorted()
        var t = 0.0
        var clock = WindowClock(self)
        for day in 1...days {
            let next = Double(day)
            while t < next {
                let stop = extra.first.map { $0 < next ? $0 : next } ?? next
                if let first = extra.first, first <= stop { extra.removeFirst() }
                let span = stop - t
                let steps = max(1, Int((span / step - 1e-9).rounded(.up)))
                let h = span / Double(steps)
                let drive = Drive(schedule.dose(at: t), p)
                for index in 0..<steps {
                    let t0 = t + Double(index) * h
                    let w0 = clock.value
                    clock.advance(by: h / 2)
                    let wMiddle = clock.value
                    clock.advance(by: h / 2)
                    let w1 = clock.value
                    let k1 = derivatives(at: t0, state, drive: drive, window: w0, scoresOnly: scoresOnly)
                    let k2 = derivatives(at: t0 + h / 2, state + (h / 2) * k1, drive: drive, window: wMiddle, scoresOnly: scoresOnly)
                    let k3 = derivatives(at: t0 + h / 2, state + (h / 2) * k2, drive: drive, window: wMiddle, scoresOnly: scoresOnly)
                    let k4 = derivatives(at: t0 + h, state + h * k3, drive: drive, window: w1, scoresOnly: scoresOnly)
                    state = state + (h / 6) * (k1 + 2 * k2 + 2 * k3 + k4)
                }
                t = stop
            }
            record(day, state)
        }
    }
}
