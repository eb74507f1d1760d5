/// The range of FM-UE on one day that the data allow: the least and greatest FM(t*) over the
/// parameter sets whose cost is within χ²₀.₉₅(1) of the best (Kreutz et al. 2012's prediction
/// profile likelihood) — for single-day questions such as "FM at day 90".
public struct PredictionProfile: Sendable, Equatable {
    public var day: Int
    public var lower: Double
    public var upper: Double
    /// Simulations it took.
    public var evaluations: Int
}

extension RecoveryFitter {
    /// The profile on `day`: from the most extreme accepted set, steps that maximise (or
    /// minimise) the day's score over the ellipsoid where the Gauss–Newton model of the cost
    /// stays within the limit, each checked on the true cost and halved until it holds.
    public func predictionProfile(day: Int, fit: RecoveryFit, sets: [RecoveryBand.Set]) -> PredictionProfile {
        let limit = fit.totalCost + ChiSquare.quantile(0.95, degrees: 1)
        let candidates = [RecoveryBand.Set(z: fit.z, cost: fit.totalCost)] + sets
        let highest = extreme(day: day, limit: limit, sign: 1, from: candidates)
        let lowest = extreme(day: day, limit: limit, sign: -1, from: candidates)
        let target = min(max(day, 0), horizon)
        return PredictionProfile(
            day: day, lower: lowest.scores[safe: target] ?? .nan, upper: highest.scores[safe: target] ?? .nan,
            evaluations: highest.evaluations + lowest.evaluations)
    }

    /// The set within `limit` (total cost) that makes FM on `day` greatest (`sign` 1) or least
    /// (−1), searched from the most extreme of `sets` within the limit: its parameters, curve,
    /// cost and the simulations it took.
    /// Steps stop when one gains less than `settle` FM points, or after `iterations`.
    func extreme(day: Int, limit: Double, sign: Double, from sets: [RecoveryBand.Set], settle: Double = 1e-6, iterations: Int = 40)
        -> (z: [Double], scores: [Double], cost: Double, evaluations: Int)
    {
        let target = min(max(day, 0), horizon)
        var evaluations = 0
        func evaluate(_ z: [Double]) -> (curve: [Double], score: Double, residuals: [Double], cost: Double) {
            evaluations += 1
            let curve = scores(z)
            let r = residuals(z, scores: curve)
            return (curve, curve[target], r, r.reduce(0) { $0 + $1 * $1 })
        }
        let starts = sets.filter { $0.cost <= limit }.map { ($0.z, evaluate($0.z)) }.sorted { sign * $0.1.score > sign * $1.1.score }
        // From the three most extreme sets, as the limit may enclose a cost far from quadratic
        // (and the band repeats its searches from the sets they found): the furthest end wins.
        var found: (z: [Double], best: (curve: [Double], score: Double, residuals: [Double], cost: Double))?
        for start in starts.prefix(3) {
            var (z, best) = start
            for _ in 0..<iterations {
                // Residual Jacobian and the day's score gradient from the same four simulations.
                var jacobian = Array(repeating: Array(repeating: 0.0, count: 4), count: best.residuals.count)
                var gradient = Array(repeating: 0.0, count: 4)
                for axis in 0..<4 {
                    var moved = z
                    moved[axis] += 1e-6
                    let result = evaluate(moved)
                    gradient[axis] = (result.score - best.score) / 1e-6
                    for row in jacobian.indices { jacobian[row][axis] = (result.residuals[row] - best.residuals[row]) / 1e-6 }
                }
                let (normal, slope) = Self.normalEquations(jacobian, best.residuals)
                guard let centre = LinearAlgebra.solve(normal, slope.map { -$0 }), let towards = LinearAlgebra.solve(normal, gradient) else { break }
                let modelMinimum = best.cost + zip(slope, centre).reduce(0) { $0 + $1.0 * $1.1 }
                let reach = limit - modelMinimum
                let spread = zip(gradient, towards).reduce(0) { $0 + $1.0 * $1.1 }
                guard reach > 0, spread > 0 else { break }
                let scale = sign * (reach / spread).squareRoot()
                let delta = (0..<4).map { centre[$0] + scale * towards[$0] }
                var fraction = 1.0
                var improved = false
                while fraction > 1e-3 {
                    var trial = z
                    for axis in 0..<4 { trial[axis] = min(max(z[axis] + fraction * delta[axis], lower[axis]), upper[axis]) }
                    let result = evaluate(trial)
                    if result.cost <= limit, sign * result.score > sign * best.score {
                        improved = sign * (result.score - best.score) > settle
                        (z, best) = (trial, result)
                        break
                    }
                    fraction /= 2
                }
                if !improved { break }
            }
            if found.map({ sign * best.score > sign * $0.best.score }) ?? true { found = (z, best) }
        }
        guard let (z, best) = found else { return ([], [], .infinity, evaluations) }
        return (z, best.curve, best.cost, evaluations)
    }
}

extension Array {
    subscript(safe index: Int) -> Element? { indices.contains(index) ? self[index] : nil }
}
