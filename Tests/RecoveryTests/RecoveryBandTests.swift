import Clinical
import Foundation
import ProtocolLibrary
import Testing

@testable import Recovery

/// The band covers where there are no data: a fit whose first observation is at day 3.
@Suite struct RecoveryBandTests {
    /// A patient first assessed at day 3 (no observation at onset), then at days 7, 14 and 30.
    static func lateFirstObservation() throws -> (RecoveryFitter, RecoveryFit, BandSampling) {
        let recovery = try RecoveryProtocolTests.recovery()
        var truth = try RecoveryModelTests.baseline()
        (truth.fm0, truth.rS, truth.tauN, truth.eta) = (18, 0.6, 25, 0.1)
        let schedule = try DoseSchedule([DoseSegment(start: 5, end: 60, pt: 45, ot: 45)])
        let clean = try RecoveryModel(truth, schedule: schedule).functionScores(days: 180)
        let days: [Double] = [3, 7, 14, 30]
        let noise: [Double] = [1.5, -1, 2, -1.5]
        let observations = try RecoveryObservations(
            days: days, scores: zip(days, noise).map { min(max(clean[Int($0)] + $1, 0), 66) },
            horizon: recovery.population.modelInputs.horizonDays)
        let fitter = recovery.fitter(base: truth, schedule: schedule, observations: observations, recoveryClass: .standard)
        return (fitter, fitter.fit(), recovery.population.band)
    }

    /// FM0's range over the parameter sets within `degrees`' χ²₀.₉₅ of the best: the profile
    /// of FM0 (the other three parameters fitted at each FM0), walked out from the estimate
    /// in 1-point steps and bisected where it crosses the limit.
    static func fm0Range(_ fitter: RecoveryFitter, fit: RecoveryFit, degrees: Int) -> (lower: Double, upper: Double) {
        let limit = fit.totalCost + ChiSquare.quantile(0.95, degrees: degrees)
        func profile(_ fm0: Double, from z: [Double]) -> (cost: Double, z: [Double]) {
            let z0 = RecoveryFitter.logit(min(max(fm0, 1e-3), 66 - 1e-3) / 66)
            var pinned = fitter.priors
            (pinned.lower[0], pinned.upper[0]) = (z0, z0)
            let constrained = RecoveryFitter(
                base: fitter.base, schedule: fitter.schedule, observations: fitter.observations, sigma: fitter.sigma,
                priors: pinned, step: fitter.step)
            let found = constrained.descend(from: [z0] + z.dropFirst())
            return (found.cost, found.z)
        }
        func edge(_ sign: Double) -> Double {
            var inside = fit.parameters.fm0
            var z = fit.z
            while true {
                let next = inside + sign * 1
                guard next > 0, next < 66 else { return inside }
                let result = profile(next, from: z)
                if result.cost > limit {
                    var (a, b) = (inside, next)
                    for _ in 0..<7 {
                        let middle = (a + b) / 2
                        let r = profile(middle, from: z)
                        if r.cost <= limit { (a, z) = (middle, r.z) } else { b = middle }
                    }
                    return a
                }
                (inside, z) = (next, result.z)
            }
        }
        return (edge(-1), edge(1))
    }

    /// The acceptance of the band issue: on a fit whose first observation is at day 3, every
    /// edge on every day (day 0 included) moves by less than 0.5 FM points between two seeds.
    @Test func Band_stableBetweenSeedsOnEveryDayWithTheFirstObservationAtDay3() throws {
        let (fitter, fit, sampling) = try Self.lateFirstObservation()
        var steps: [BandProgress] = []
        let one = fitter.band(around: fit, sampling: sampling, seed: 1) { steps.append($0) }
        let two = fitter.band(around: fit, sampling: sampling, seed: 2)
        #expect(one.converged && two.converged, "\(one.sampled) and \(two.sampled) sets, last moves \(one.lastMovement), \(two.lastMovement)")
        #expect(!steps.isEmpty && steps.last?.sampled == one.sampled && steps.allSatisfy { $0.cap == sampling.maxSamples })
        let edges: [(String, [Double], [Double])] = [
            ("lower simultaneous", one.lowerSimultaneous, two.lowerSimultaneous), ("upper simultaneous", one.upperSimultaneous, two.upperSimultaneous),
            ("lower pointwise", one.lowerPointwise, two.lowerPointwise), ("upper pointwise", one.upperPointwise, two.upperPointwise),
        ]
        for (name, a, b) in edges {
            #expect(a.count == 181 && b.count == 181)
            let differences: [Double] = zip(a, b).map { abs($0 - $1) }
            let worst: Double = differences.max() ?? .infinity
            let day: Int = differences.firstIndex(of: worst) ?? -1
            #expect(worst < 0.5, "\(name): day \(day) differs by \(worst)")
        }
    }

    /// The band at day 0 is at least as wide as FM0's spread over the χ²-accepted sets:
    /// χ²₀.₉₅(4) for the simultaneous band, χ²₀.₉₅(1) for the pointwise one.
    @Test func Band_atDay0AtLeastTheSpreadOfFM0OverTheAcceptedSets() throws {
        let (fitter, fit, sampling) = try Self.lateFirstObservation()
        let band = fitter.band(around: fit, sampling: sampling, seed: 1)
        #expect(band.lowerSimultaneous[0] >= 0 && band.upperSimultaneous[0] <= 66)
        let simultaneous = Self.fm0Range(fitter, fit: fit, degrees: 4)
        let pointwise = Self.fm0Range(fitter, fit: fit, degrees: 1)
        let (low4, high4) = (band.lowerSimultaneous[0], band.upperSimultaneous[0])
        let (low1, high1) = (band.lowerPointwise[0], band.upperPointwise[0])
        #expect(
            low4 <= simultaneous.lower + 0.25 && high4 >= simultaneous.upper - 0.25,
            "simultaneous at day 0 [\(low4), \(high4)], FM0 over the accepted sets [\(simultaneous.lower), \(simultaneous.upper)]")
        #expect(
            low1 <= pointwise.lower + 0.25 && high1 >= pointwise.upper - 0.25,
            "pointwise at day 0 [\(low1), \(high1)], FM0 over the accepted sets [\(pointwise.lower), \(pointwise.upper)]")
    }

    /// V8: the horizon is the parameter file's `model_inputs.horizon_days`, not 180: a longer
    /// one fits an observation at day 200 and simulates to it; a shorter one refuses day 150.
    @Test func V8_horizonFromTheParameterFile() throws {
        let url = try #require(ProtocolLibrary.nearest(to: URL(fileURLWithPath: #filePath))).url(.recovery)
        func withHorizon(_ days: Int) throws -> RecoveryProtocol {
            var file = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
            var inputs = try #require(file["model_inputs"] as? [String: Any])
            inputs["horizon_days"] = days
            file["model_inputs"] = inputs
            return try RecoveryProtocol.decode(JSONSerialization.data(withJSONObject: file))
        }
        let longer = try withHorizon(365)
        let projector = RecoveryProjector(longer, samples: 300)
        let patient = RecoveryCase(
            days: [3, 30, 90, 200], scores: [20, 34, 42, 45], schedule: [DoseSegment(start: 5, end: 60, pt: 45, ot: 45)],
            reperfusionDays: nil, nihss0: 8, recoveryClass: .standard)
        let outlook = try projector.project(patient).outlook
        #expect(outlook.curve.count == 366 && outlook.band.upperSimultaneous.count == 366 && outlook.placeholderOutcomes?.nihss.count == 366)
        let fitter = try projector.fitter(patient)
        #expect(fitter.horizon == 365 && fitter.scores(outlook.estimates.z).count == 366)
        let shorter = try withHorizon(120)
        #expect(throws: Refusal.invalid("t_obs[1]", "must be a day from onset (0) to 120")) {
            try RecoveryProjector(shorter).fitter(
                RecoveryCase(
                    days: [3, 150], scores: [20, 40], schedule: [], reperfusionDays: nil, nihss0: nil,
                    recoveryClass: .standard))
        }
    }
}
