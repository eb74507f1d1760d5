public import Clinical
import Foundation

/// Observations of FM-UE to fit the model to.
public struct RecoveryObservations: Sendable, Equatable {
    /// Days since onset, 0 to the horizon.
    public var days: [Double]
    /// FM-UE, 0–66.
    public var scores: [Double]
    /// The model's horizon in days since onset (`model_inputs.horizon_days` of Protocols/recovery).
    public var horizon: Int

    public init(days: [Double], scores: [Double], horizon: Int) throws(Refusal) {
        guard horizon > 0 else { throw Refusal.invalid("horizon_days", "must be positive") }
        guard !days.isEmpty, days.count == scores.count else { throw Refusal.invalid("t_obs", "needs one day per observation, at least one") }
        for (index, day) in days.enumerated() where !(day.isFinite && (0...Double(horizon)).contains(day)) {
            throw Refusal.invalid("t_obs[\(index)]", "must be a day from onset (0) to \(horizon)")
        }
        for (index, score) in scores.enumerated() where !(score.isFinite && (0...66).contains(score)) {
            throw Refusal.invalid("y_obs[\(index)]", "must be an FM-UE score from 0 to 66")
        }
        self.days = days
        self.scores = scores
        self.horizon = horizon
    }
}

/// A patient's fit: MAP estimates of FM0, r_s, τ_N and η (priors as pseudo-residuals), the
/// costs, and the χ² model test.
public struct RecoveryFit: Sendable {
    /// The fitted parameters on their transformed scale, z = [logit(FM0/66), logit r_s, log τ_N, log η].
    public var z: [Double]
    public var parameters: RecoveryParameters
    /// Data plus prior residuals squared.
    public var totalCost: Double
    public var dataCost: Double
    /// χ²₀.₉₅ with as many degrees of freedom as observations.
    public var threshold: Double
    public var passes: Bool { dataCost <= threshold }
    public var evaluations: Int
    /// The start the fit came from: the specification's, or the subgroup centre that won.
    public var start: String
}

/// Fits the per-patient parameters to a patient's observations (docs/recovery.md).
public struct RecoveryFitter: Sendable {
    /// The population parameters the fit starts from (its FM0, r_s, τ_N and η are replaced).
    public let base: RecoveryParameters
    public let schedule: DoseSchedule
    public let observations: RecoveryObservations
    /// Measurement error of FM-UE (van der Vliet 2020).
    public let sigma: Double
    /// Priors on the transformed r_s, τ_N and η, and the bounds of z (Protocols/recovery).
    public let priors: RecoveryPriors.Fit
    public let step: Double
    /// Further starts (van der Vliet's subgroup centres, Protocols/recovery).
    public let centres: [RecoveryPopulation.Centre]

    var lower: [Double] { priors.lower }
    /// The last day simulated: the observations' horizon.
    public var horizon: Int { observations.horizon }
    var upper: [Double] { priors.upper }

    public init(
        base: RecoveryParameters, schedule: DoseSchedule, observations: RecoveryObservations, sigma: Double,
        priors: RecoveryPriors.Fit, step: Double = 1, centres: [RecoveryPopulation.Centre] = []
    ) {
        self.base = base
        self.schedule = schedule
        self.observations = observations
        self.sigma = sigma
        self.priors = priors
        self.step = step
        self.centres = centres
    }

    static func logit(_ p: Double) -> Double { log(p / (1 - p)) }
    static func expit(_ x: Double) -> Double { 1 / (1 + exp(-x)) }

    /// The parameters z stands for.
    public func parameters(_ z: [Double]) -> RecoveryParameters {
        var p = base
        p.fm0 = 66 * Self.expit(z[0])
        p.rS = Self.expit(z[1])
        p.tauN = exp(z[2])
        p.eta = exp(z[3])
        return p
    }

    /// FM-UE on days 0 to the horizon for z.
    public func scores(_ z: [Double]) -> [Double] {
        guard let model = try? RecoveryModel(parameters(z), schedule: schedule) else { return Array(repeating: .nan, count: horizon + 1) }
        return model.functionScores(days: horizon, step: step)
    }

    /// The residuals for z: data (y − FM)/σ, then the priors (z − μ)/s.
    func residuals(_ z: [Double], scores: [Double]) -> [Double] {
        var result: [Double] = []
        for (day, y) in zip(observations.days, observations.scores) {
            let below = Int(day.rounded(.down))
            let above = min(below + 1, horizon)
            let share = day - Double(below)
            result.append((y - (scores[below] * (1 - share) + scores[above] * share)) / sigma)
        }
        for (index, prior) in priors.priors.enumerated() { result.append((z[index + 1] - prior.mean) / prior.sd) }
        return result
    }

    /// Cost of z (total) and its data part.
    public func cost(_ z: [Double]) -> (total: Double, data: Double) {
        let r = residuals(z, scores: scores(z))
        let data = r.prefix(observations.days.count).reduce(0) { $0 + $1 * $1 }
        return (r.reduce(0) { $0 + $1 * $1 }, data)
    }

    /// The Jacobian of the residuals at z (forward differences, step 1e-6 in z).
    func jacobian(_ z: [Double], residuals base: [Double]) -> [[Double]] {
        var columns: [[Double]] = []
        for k in 0..<4 {
            var moved = z
            moved[k] += 1e-6
            let r = residuals(moved, scores: scores(moved))
            columns.append(zip(r, base).map { ($0 - $1) / 1e-6 })
        }
        return (0..<base.count).map { row in columns.map { $0[row] } }
    }

    /// The MAP fit, deterministic. Levenberg–Marquardt runs from the specification's start —
    /// FM0 two points below the first observation, r_s 0.6, τ_N 21 d, η 0.1/d — and, when
    /// there are centres, from the one whose (r_s, τ_N) costs least there; the lower cost wins.
    public func fit() -> RecoveryFit {
        let first = [Self.logit(min(max(observations.scores[0] - 2, 0.5), 65.5) / 66), Self.logit(0.6), log(21.0), log(0.1)]
        var best = descend(from: first)
        var start = "specification"
        var evaluations = best.evaluations
        let screened = centres.map { centre -> (String, [Double], Double) in
            let z = (0..<4).map { k in min(max([first[0], Self.logit(centre.rS), log(centre.tauNDays), first[3]][k], lower[k]), upper[k]) }
            return (centre.name, z, cost(z).total)
        }
        evaluations += screened.count
        if let centre = screened.min(by: { $0.2 < $1.2 }) {
            let other = descend(from: centre.1)
            evaluations += other.evaluations
            if other.cost < best.cost { (best, start) = (other, centre.0) }
        }
        let data = best.residuals.prefix(observations.days.count).reduce(0) { $0 + $1 * $1 }
        return RecoveryFit(
            z: best.z, parameters: parameters(best.z), totalCost: best.cost, dataCost: data,
            threshold: ChiSquare.quantile(0.95, degrees: observations.days.count), evaluations: evaluations, start: start)
    }

    /// Levenberg–Marquardt within the bounds of z from `start`.
    func descend(from start: [Double]) -> (z: [Double], residuals: [Double], cost: Double, evaluations: Int) {
        var z = start
        var r = residuals(z, scores: scores(z))
        var cost = r.reduce(0) { $0 + $1 * $1 }
        var lambda = 1e-3
        var evaluations = 1
        for _ in 0..<200 {
            let jac = jacobian(z, residuals: r)
            evaluations += 4
            let (normal, gradient) = Self.normalEquations(jac, r)
            var improved = false
            while lambda < 1e12 {
                var damped = normal
                for i in 0..<4 { damped[i][i] += lambda * max(normal[i][i], 1e-12) }
                guard let delta = LinearAlgebra.solve(damped, gradient.map { -$0 }) else {
                    lambda *= 10
                    continue
                }
                let trial = (0..<4).map { min(max(z[$0] + delta[$0], lower[$0]), upper[$0]) }
                let trialResiduals = residuals(trial, scores: scores(trial))
                evaluations += 1
                let trialCost = trialResiduals.reduce(0) { $0 + $1 * $1 }
                if trialCost < cost {
                    let gain = cost - trialCost
                    z = trial
                    r = trialResiduals
                    cost = trialCost
                    lambda = max(lambda / 10, 1e-12)
                    improved = gain > 1e-12 * max(cost, 1)
                    break
                }
                lambda *= 10
            }
            if !improved { break }
        }
        return (z, r, cost, evaluations)
    }

    /// JᵀJ and Jᵀr.
    static func normalEquations(_ jac: [[Double]], _ r: [Double]) -> ([[Double]], [Double]) {
        var normal = Array(repeating: Array(repeating: 0.0, count: 4), count: 4)
        var gradient = Array(repeating: 0.0, count: 4)
        for (row, residual) in zip(jac, r) {
            for i in 0..<4 {
                gradient[i] += row[i] * residual
                for j in 0..<4 { normal[i][j] += row[i] * row[j] }
            }
        }
        return (normal, gradient)
    }
}
