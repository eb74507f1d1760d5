import Foundation

/// 90-day mRS distribution, mean mRS and mean utility for a treatment at a time.
public struct OutcomeEstimate: Sendable, Encodable, Equatable {
    /// P(mRS = k), k = 0…6.
    public var mrsProbabilities: [Double]
    public var meanMRS: Double
    public var meanUtility: Double
    /// Which treatment the estimate is for ("none", "ivt", "mt").
    public var treatment: String

    enum CodingKeys: String, CodingKey {
        case mrsProbabilities = "mrs_probabilities", meanMRS = "mean_mrs", meanUtility = "mean_utility", treatment
    }
}

/// The time-to-treatment outcome model of stroke-outcome 0.1.8 (reference/acute.md section 6):
/// logit-linear interpolation of each cumulative threshold between the t = 0 anchor and the
/// no-effect anchor; the no-effect table from the no-effect time on.
public struct OutcomeModel: Sendable {
    let tables: OutcomeTables

    static let requiredTables = ["no_treatment_lvo", "no_treatment_nlvo", "no_effect_nlvo_ivt_deaths", "no_effect_lvo_ivt_deaths",
                                 "no_effect_lvo_mt_deaths", "t0_treatment_nlvo_ivt", "t0_treatment_lvo_ivt", "t0_treatment_lvo_mt"]

    public init(protocol acute: AcuteProtocol) {
        tables = acute.outcome
    }

    /// The model's name and version, for every projection that uses it.
    public var version: String { tables.model }

    /// The outcome for an LVO or non-LVO stroke treated with IVT at `needle` and/or MT at
    /// `puncture` minutes from onset (nil: not given). With both, the treatment that lowers mean
    /// mRS more against no treatment is kept (ties go to MT), as the published model does; an
    /// nLVO patient given MT is counted as LVO.
    public func estimate(lvo: Bool, needle: Double?, puncture: Double?) -> OutcomeEstimate {
        let lvo = lvo || puncture != nil
        let untreated = summarise(table(lvo ? "no_treatment_lvo" : "no_treatment_nlvo"), treatment: "none")
        let ivt = needle.map { summarise(interpolate(lvo ? "lvo_ivt" : "nlvo_ivt", at: $0, noEffect: tables.noEffectIVT), treatment: "ivt") }
        let mt = puncture.map { summarise(interpolate("lvo_mt", at: $0, noEffect: tables.noEffectMT), treatment: "mt") }
        switch (ivt, mt) {
        case (nil, nil): return untreated
        case (let ivt?, nil): return ivt
        case (nil, let mt?): return mt
        case (let ivt?, let mt?):
            return (untreated.meanMRS - ivt.meanMRS) > (untreated.meanMRS - mt.meanMRS) ? ivt : mt
        }
    }

    private func table(_ name: String) -> [Double] {
        tables.cumulative[name] ?? [0, 0, 0, 0, 0, 0, 1]
    }

    private func interpolate(_ cohort: String, at minutes: Double, noEffect: Double) -> [Double] {
        let late = table("no_effect_\(cohort)_deaths")
        guard minutes < noEffect else { return late }
        let early = table("t0_treatment_\(cohort)")
        let fraction = max(0, minutes) / noEffect
        return (0..<7).map { k in
            guard k < 6 else { return 1 }
            let logit = (1 - fraction) * logitOf(early[k]) + fraction * logitOf(late[k])
            return 1 / (1 + exp(-logit))
        }
    }

    private func logitOf(_ probability: Double) -> Double {
        let p = probability >= 1 ? 1 - tables.nudge : probability
        return log(p / (1 - p))
    }

    private func summarise(_ cumulative: [Double], treatment: String) -> OutcomeEstimate {
        var probabilities: [Double] = []
        var previous = 0.0
        for value in cumulative {
            probabilities.append(value - previous)
            previous = value
        }
        let mean = probabilities.enumerated().reduce(0) { $0 + Double($1.offset) * $1.element }
        let utility = zip(probabilities, tables.utility).reduce(0) { $0 + $1.0 * $1.1 }
        return OutcomeEstimate(mrsProbabilities: probabilities, meanMRS: mean, meanUtility: utility, treatment: treatment)
    }
}
