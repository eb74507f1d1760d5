public import Clinical
import Foundation

/// Projects a patient's recovery with the parameters of Protocols/recovery: the MAP fit, the
/// χ²-accepted sets and their bands, the prediction profile at day 90, the curve without any
/// speculative parameter it depends on, and what another schedule would change.
public struct RecoveryProjector: Sendable {
    public let recovery: RecoveryProtocol
    /// How the band samples: the parameter file's settings, or another batch size.
    public let sampling: BandSampling

    /// `samples`: sets per batch instead of the file's; sampling still goes on until the edges are
    /// stable (or the file's cap), so a smaller batch checks stability more often, not less work.
    public init(_ recovery: RecoveryProtocol, samples: Int? = nil) {
        self.recovery = recovery
        self.sampling = samples.map { recovery.population.band.batches(of: $0) } ?? recovery.population.band
    }

    /// The fitter of a case: its observations and schedule, population parameters of its class.
    public func fitter(_ patient: RecoveryCase) throws(Refusal) -> RecoveryFitter {
        let observations = try recovery.observations(days: patient.days, scores: patient.scores)
        let prior = recovery.priors.priors
        let base = recovery.population.parameters(
            fm0: observations.scores[0], rS: prior.rS.default.probability, tauN: prior.tauN.days,
            eta: prior.eta.perDay, recoveryClass: patient.recoveryClass,
            reperfusion: patient.reperfusionDays, nihss0: patient.nihss0 ?? 0)
        let schedule = try DoseSchedule(patient.schedule)
        _ = try RecoveryModel(base, schedule: schedule)
        return recovery.fitter(base: base, schedule: schedule, observations: observations, recoveryClass: patient.recoveryClass)
    }

    /// The projection and the accepted sets it was banded with (kept for what-if questions).
    public func project(_ patient: RecoveryCase) throws(Refusal) -> (outlook: RecoveryOutlook, sets: [RecoveryBand.Set]) {
        let fitter = try fitter(patient)
        let fit = fitter.fit()
        let band = fitter.band(around: fit, sampling: sampling)
        let curve = fitter.scores(fit.z)
        let answerDay = min(90, fitter.horizon)
        let profile = fitter.predictionProfile(day: answerDay, fit: fit, sets: band.accepted)
        let p = fit.parameters
        let outlook = RecoveryOutlook(
            model: RecoveryModel.version, parameterVersion: recovery.version, curve: curve,
            band: .init(
                lowerSimultaneous: band.lowerSimultaneous, upperSimultaneous: band.upperSimultaneous,
                lowerPointwise: band.lowerPointwise, upperPointwise: band.upperPointwise, acceptedSets: band.accepted.count,
                sampledSets: band.sampled, converged: band.converged),
            day90: .init(day: answerDay, fm: curve[answerDay], lower: profile.lower, upper: profile.upper),
            estimates: .init(
                z: fit.z, fm0: p.fm0, rS: p.rS ?? 0, tauN: p.tauN, eta: p.eta, totalCost: fit.totalCost, dataCost: fit.dataCost,
                threshold: fit.threshold, passes: fit.passes, observations: patient.days.count, start: fit.start,
                recoveryClass: patient.recoveryClass),
            speculative: speculative(fit.z, fitter: fitter, schedule: fitter.schedule),
            placeholderOutcomes: patient.nihss0 == nil ? nil : placeholderOutcomes(p, schedule: fitter.schedule, horizon: fitter.horizon))
        return (outlook, band.accepted)
    }

    /// The projection under `proposal` (the whole schedule) beside the current one of
    /// `outlook`; the proposal is banded by the accepted `sets` the outlook was banded with.
    public func whatIf(
        _ patient: RecoveryCase, outlook: RecoveryOutlook, sets: [RecoveryBand.Set],
        proposal: [DoseSegment]
    ) throws(Refusal) -> RecoveryWhatIfOutlook {
        let current = RecoveryWhatIfOutlook.Course(curve: outlook.curve, lower: outlook.band.lowerSimultaneous, upper: outlook.band.upperSimultaneous)
        return compare(try fitter(patient), estimate: outlook.estimates.z, current: current, sets: sets, proposal: try DoseSchedule(proposal))
    }

    /// The estimate `z` and the accepted `sets` re-simulated under `proposal`, beside `current`.
    public func compare(
        _ fitter: RecoveryFitter, estimate z: [Double], current: RecoveryWhatIfOutlook.Course, sets: [RecoveryBand.Set],
        proposal: DoseSchedule
    ) -> RecoveryWhatIfOutlook {
        let proposed = fitter.whatIf(estimate: z, sets: sets, schedule: proposal)
        return RecoveryWhatIfOutlook(
            model: RecoveryModel.version, parameterVersion: recovery.version, current: current,
            proposed: .init(curve: proposed.curve, lower: proposed.lower, upper: proposed.upper),
            differenceDay90: proposed.curve[min(90, fitter.horizon)] - current.curve[min(90, fitter.horizon)],
            differenceDay90Lower: proposed.differenceLower[min(90, fitter.horizon)], differenceDay90Upper: proposed.differenceUpper[min(90, fitter.horizon)],
            differenceDay180: fitter.horizon >= 180 ? proposed.curve[180] - current.curve[180] : nil,
            horizonDays: fitter.horizon, differenceAtHorizon: proposed.curve[fitter.horizon] - current.curve[fitter.horizon],
            speculative: speculative(z, fitter: fitter, schedule: proposal))
    }

    /// The speculative parameters the curve under `schedule` depends on — k_B when there is
    /// balneotherapy — each with the curve when it is zero.
    func speculative(_ z: [Double], fitter: RecoveryFitter, schedule: DoseSchedule) -> [RecoveryOutlook.Speculative] {
        guard schedule.segments.contains(where: { $0.bal > 0 }) else { return [] }
        return recovery.population.speculative.compactMap { name -> RecoveryOutlook.Speculative? in
            guard let field = RecoveryPopulation.fields.first(where: { $0.0 == name })?.1,
                let entry = recovery.population.population[name], entry.value != 0
            else { return nil }
            var base = fitter.parameters(z)
            base[keyPath: field] = 0
            guard let model = try? RecoveryModel(base, schedule: schedule) else { return nil }
            return .init(parameter: name, justification: entry.justification, curveWithout: model.functionScores(days: fitter.horizon))
        }
    }

    /// NIHSS(t) = NIHSS0·(1 − r_G·N)·(1 − c_G·MG) and the cumulative-logit mRS at day 90.
    func placeholderOutcomes(_ parameters: RecoveryParameters, schedule: DoseSchedule, horizon: Int) -> RecoveryOutlook.PlaceholderOutcomes? {
        guard horizon >= 90, let model = try? RecoveryModel(parameters, schedule: schedule) else { return nil }
        let course = model.simulate(days: horizon, step: 1)
        let nihss = zip(course.n, course.mg).map { n, mg in parameters.nihss0 * (1 - parameters.rG * n) * (1 - parameters.cG * mg) }
        let block = recovery.population.outcomePlaceholders
        let atMost = block.mrsThresholds.map { theta in 1 / (1 + exp(-(theta - nihss[90]) / block.mrsScale)) }
        return .init(
            status: RecoveryPopulation.Status.placeholder.rawValue, nihss: nihss, mrsAtMostDay90: atMost,
            expectedMrsDay90: atMost.reduce(0) { $0 + (1 - $1) })
    }
}
