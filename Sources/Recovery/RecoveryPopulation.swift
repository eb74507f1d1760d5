public import Clinical
public import Foundation

/// The population side of Protocols/recovery/parameters.json: the §5.2 parameters every
/// projection runs with (each with its status and sources), the fit's multi-start centres,
/// PREP2, the NIHSS/mRS placeholders and how the service's records become model inputs.
public struct RecoveryPopulation: Sendable, Decodable {
    /// How well founded a population parameter is.
    public enum Status: String, Sendable, Codable {
        case literature, assumption, speculative, placeholder
    }

    /// One §5.2 parameter: a value, or one per class (c_M).
    public struct Entry: Sendable, Decodable {
        public var value: Double?
        public var byClass: [String: Double]?
        public var unit: String
        public var status: Status
        public var justification: String
        public var sources: [String]
    }

    /// A start of the fit: one of van der Vliet's subgroup centres.
    public struct Centre: Sendable, Decodable {
        public var name: String
        public var rS: Double
        public var tauNDays: Double
    }

    public struct MultiStart: Sendable, Decodable {
        public var centres: [Centre]
    }

    /// The cumulative-logit mRS block of §3.3 (a placeholder, not from literature).
    public struct OutcomePlaceholders: Sendable, Decodable {
        public var mrsThresholds: [Double]
        public var mrsScale: Double
    }

    /// How records become inputs: model input per rehabilitation discipline, the mTICI
    /// grades that count as reperfusion, the model's horizon.
    public struct ModelInputs: Sendable, Decodable {
        public var byDiscipline: [String: String]
        public var reperfusedMtici: [String]
        public var horizonDays: Int
    }

    public var version: String
    public var model: String
    public var population: [String: Entry]
    public var multiStart: MultiStart
    public var prep2: Prep2Rules
    public var outcomePlaceholders: OutcomePlaceholders
    public var modelInputs: ModelInputs
    /// How the prediction band samples (numerical settings).
    public var band: BandSampling

    /// The population parameters by their specification name and where each goes.
    static let fields: [(String, any WritableKeyPath<RecoveryParameters, Double> & Sendable)] = [
        ("tau_w", \.tauW), ("W_inf", \.wInf), ("tau_r", \.tauR), ("nu", \.nu), ("K_u", \.kU), ("delta_M", \.deltaM), ("N0", \.n0),
        ("N_inf", \.nInf), ("k_B", \.kB), ("w_PT", \.wPT), ("w_OT", \.wOT), ("w_SLP", \.wSLP), ("w_BAL", \.wBAL), ("U_max", \.uMax),
        ("theta_U", \.thetaU), ("s_U", \.sU), ("tau_U", \.tauU), ("k_g", \.kG), ("t_stab", \.tStab), ("phi_P", \.phiP), ("rho", \.rho),
        ("eta_G", \.etaG), ("r_G", \.rG), ("c_G", \.cG), ("wG_PT", \.wgPT), ("wG_OT", \.wgOT), ("wG_SLP", \.wgSLP), ("wG_BAL", \.wgBAL),
    ]

    /// Reads the file and checks that every population parameter is there and that the
    /// parameters it gives can run the model.
    public static func decode(_ data: Data) throws(Refusal) -> RecoveryPopulation {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        let population: RecoveryPopulation
        do {
            population = try decoder.decode(RecoveryPopulation.self, from: data)
        } catch {
            throw Refusal.invalid("(recovery parameters)", "cannot be read: \(error)")
        }
        for (name, _) in fields where population.population[name]?.value == nil {
            throw Refusal.invalid("population.\(name)", "is missing")
        }
        guard let byClass = population.population["c_M"]?.byClass, byClass[RecoveryClass.standard.rawValue] != nil,
            byClass[RecoveryClass.poor.rawValue] != nil
        else {
            throw Refusal.invalid("population.c_M", "needs by_class values for default and poor")
        }
        guard population.outcomePlaceholders.mrsThresholds.count == 5, population.outcomePlaceholders.mrsScale > 0 else {
            throw Refusal.invalid("outcome_placeholders", "needs five mRS thresholds and a positive scale")
        }
        let prep2 = population.prep2
        guard prep2.mepDays.count == 2, prep2.mepDays[0] <= prep2.mepDays[1], prep2.safeLatestDay >= 0 else {
            throw Refusal.invalid("prep2", "needs mep_days [first, last] and a safe_latest_day of 0 or more")
        }
        guard population.modelInputs.horizonDays > 0 else { throw Refusal.invalid("model_inputs.horizon_days", "must be positive") }
        let band = population.band
        guard band.batch >= 2, band.minBatches >= 1, band.maxSamples >= band.batch, band.edgeToleranceFm > 0 else {
            throw Refusal.invalid(
                "band", "needs a batch of 2 or more, min_batches of 1 or more, max_samples of at least a batch, a positive edge_tolerance_fm")
        }
        guard prep2.safeAssessmentDay <= prep2.safeLatestDay, prep2.safeEarlyBeforeDay <= prep2.safeAssessmentDay, prep2.nihssLatestDay >= 0 else {
            throw Refusal.invalid("prep2", "needs safe_early_before_day <= safe_assessment_day <= safe_latest_day and a nihss_latest_day of 0 or more")
        }
        for recoveryClass in [RecoveryClass.standard, .poor] {
            try population.parameters(fm0: 33, rS: 0.5, tauN: 21, eta: 0.1, recoveryClass: recoveryClass, reperfusion: nil, nihss0: 10).check()
        }
        return population
    }

    /// The names of the speculative parameters (k_B).
    public var speculative: [String] { population.filter { $0.value.status == .speculative }.map(\.key).sorted() }

    /// A patient's parameters: the per-patient ones given, the population ones of the file,
    /// c_M of the class; `reperfusion` is onset to reperfusion in days, nil for none.
    public func parameters(
        fm0: Double, rS: Double?, tauN: Double, eta: Double, recoveryClass: RecoveryClass, reperfusion: Double?,
        nihss0: Double
    ) -> RecoveryParameters {
        var parameters = RecoveryParameters(fm0: fm0, rS: rS, tauN: tauN, eta: eta, tR: reperfusion, nihss0: nihss0)
        for (name, path) in Self.fields { parameters[keyPath: path] = population[name]?.value ?? 0 }
        parameters.cM = population["c_M"]?.byClass?[recoveryClass.rawValue] ?? 0
        return parameters
    }
}

/// The class that picks the r_s prior and c_M: the default (PRR fitters) or poor recovery
/// (MEP−, PREP2 Limited or Poor).
public enum RecoveryClass: String, Sendable, Codable {
    case standard = "default"
    case poor
}
