public import Clinical
public import Foundation

/// Protocols/recovery/parameters.json: the fit's priors and the population parameters, under
/// one version that every projection names.
public struct RecoveryProtocol: Sendable {
    public let priors: RecoveryPriors
    public let population: RecoveryPopulation

    /// The parameter file's version ("recovery-2026.12.1").
    public var version: String { priors.version }

    /// Reads and checks the file.
    public static func decode(_ data: Data) throws(Refusal) -> RecoveryProtocol {
        RecoveryProtocol(priors: try RecoveryPriors.decode(data), population: try RecoveryPopulation.decode(data))
    }

    /// The model's horizon in days since onset (`model_inputs.horizon_days`).
    public var horizon: Int { population.modelInputs.horizonDays }

    /// FM-UE observations checked against this file's horizon.
    public func observations(days: [Double], scores: [Double]) throws(Refusal) -> RecoveryObservations {
        try RecoveryObservations(days: days, scores: scores, horizon: horizon)
    }

    /// A fitter of the patient's observations with this file's priors (of the class), error
    /// and multi-start centres.
    public func fitter(
        base: RecoveryParameters, schedule: DoseSchedule, observations: RecoveryObservations,
        recoveryClass: RecoveryClass
    ) -> RecoveryFitter {
        RecoveryFitter(
            base: base, schedule: schedule, observations: observations, sigma: priors.sigmaFm.value,
            priors: priors.transformed(poorRecovery: recoveryClass == .poor), centres: population.multiStart.centres)
    }
}
