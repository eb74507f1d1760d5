/// A projection under another therapy schedule: the estimate's curve and the band of the
/// accepted parameter sets, all re-simulated with the new doses.
public struct RecoveryProjection: Sendable, Equatable {
    public var curve: [Double]
    public var lower: [Double]
    public var upper: [Double]
    /// By day, the lowest and highest difference from the current schedule over the estimate and
    /// the accepted sets (each set under both schedules): the uncertainty of the difference
    /// itself, narrower than either curve's band since the sets move both curves together.
    public var differenceLower: [Double]
    public var differenceUpper: [Double]
}

extension RecoveryFitter {
    /// Re-simulates the estimate `z` and the accepted sets under `schedule` (more minutes,
    /// another modality mix, balneology added) on `threads` threads.
    public func whatIf(estimate z: [Double], sets: [RecoveryBand.Set], schedule: DoseSchedule, threads: Int = 2) -> RecoveryProjection {
        let proposed = RecoveryFitter(base: base, schedule: schedule, observations: observations, sigma: sigma, priors: priors, step: step)
        let curve = proposed.scores(z)
        let difference = zip(curve, scores(z)).map { $0 - $1 }
        var projection = RecoveryProjection(curve: curve, lower: curve, upper: curve, differenceLower: difference, differenceUpper: difference)
        let points = sets.map(\.z)
        for (result, now) in zip(proposed.simulateAll(points, threads: threads), simulateAll(points, threads: threads)) {
            for day in result.scores.indices {
                projection.lower[day] = min(projection.lower[day], result.scores[day])
                projection.upper[day] = max(projection.upper[day], result.scores[day])
                guard day < now.scores.count else { continue }
                projection.differenceLower[day] = min(projection.differenceLower[day], result.scores[day] - now.scores[day])
                projection.differenceUpper[day] = max(projection.differenceUpper[day], result.scores[day] - now.scores[day])
            }
        }
        return projection
    }
}
