/// A projection under another therapy schedule: the estimate's curve and the band of the
/// accepted parameter sets, all re-simulated with the new doses.
public struct RecoveryProjection: Sendable, Equatable {
    public var curve: [Double]
    public var lower: [Double]
    public var upper: [Double]
}

extension RecoveryFitter {
    /// Re-simulates the estimate `z` and the accepted sets under `schedule` (more minutes,
    /// another modality mix, balneology added) on `threads` threads.
    public func whatIf(estimate z: [Double], sets: [RecoveryBand.Set], schedule: DoseSchedule, threads: Int = 2) -> RecoveryProjection {
        let proposed = RecoveryFitter(base: base, schedule: schedule, observations: observations, sigma: sigma, priors: priors, step: step)
        let curve = proposed.scores(z)
        var projection = RecoveryProjection(curve: curve, lower: curve, upper: curve)
        for result in proposed.simulateAll(sets.map(\.z), threads: threads) {
            for day in result.scores.indices {
                projection.lower[day] = min(projection.lower[day], result.scores[day])
                projection.upper[day] = max(projection.upper[day], result.scores[day])
            }
        }
        return projection
    }
}
