import Foundation

/// 90-day mRS distribution, mean mRS and mean utility for a treatment at a time.
public struct OutcomeEstimate: Sendable, Equatable, JSONWritable {
    /// P(mRS = k), k = 0…6.
    public var mrsProbabilities: [Double]
    public var meanMRS: Double
    public var meanUtility: Double
    /// Which treatment the estimate is for ("none", "ivt", "mt").
    public var treatment: String

    public func write(to writer: inout JSONWriter) {
        writer.object { json in
            json.key("mrs_probabilities")
            json.array(mrsProbabilities) { $0.number($1) }
            json.field("mean_mrs", meanMRS)
            json.field("mean_utility", meanUtility)
            json.field("treatment", treatment)
        }
    }
}

/// The time-to-treatment outcome model of stroke-outcome 0.1.8 (reference/acute.md section 6):
/// logit-linear interpolation of each cumulative threshold between the t = 0 anchor and the
/// no-effect anchor; the no-effect table from the no-effect time on.
public struct OutcomeModel: Sendable {
    let tables: OutcomeTables

    init(tables: OutcomeTables) {
        self.tables = tables
    }

    /// The model's name and version, for every projection that uses it.
    public var version: String { tables.model }

    /// The outcome for an LVO or non-LVO stroke treated with IVT at `needle` and/or MT at
    /// `puncture` minutes from onset (nil: not given). With both, the treatment that lowers mean
    /// mRS more against no treatment is kept (ties go to MT), as the published model does; an
    /// nLVO patient given MT is counted as LVO.
    public func estimate(lvo: Bool, needle: Double?, puncture: Double?) -> OutcomeEstimate {
        let lvo = lvo || puncture != nil
        let untreated = summarise(lvo ? tables.untreatedLVO : tables.untreatedNLVO, treatment: "none")
        let ivt = needle.map { summarise(interpolate(lvo ? tables.lvoIVT : tables.nlvoIVT, at: $0, noEffect: tables.noEffectIVT), treatment: "ivt") }
        let mt = puncture.map { summarise(interpolate(tables.lvoMT, at: $0, noEffect: tables.noEffectMT), treatment: "mt") }
        switch (ivt, mt) {
        case (nil, nil): return untreated
        case (let ivt?, nil): return ivt
        case (nil, let mt?): return mt
        case (let ivt?, let mt?):
            return (untreated.meanMRS - ivt.meanMRS) > (untreated.meanMRS - mt.meanMRS) ? ivt : mt
        }
    }

    private func interpolate(_ cohort: OutcomeTables.Cohort, at minutes: Double, noEffect: Double) -> [Double] {
        guard minutes < noEffect else { return cohort.late }
        let fraction = max(0, minutes) / noEffect
        var cumulative: [Double] = []
        cumulative.reserveCapacity(7)
        for k in 0..<6 {
            let logit = (1 - fraction) * cohort.earlyLogits[k] + fraction * cohort.lateLogits[k]
            cumulative.append(1 / (1 + exp(-logit)))
        }
        cumulative.append(1)
        return cumulative
    }

    private func summarise(_ cumulative: [Double], treatment: String) -> OutcomeEstimate {
        var probabilities: [Double] = []
        probabilities.reserveCapacity(7)
        var previous = 0.0, mean = 0.0, utility = 0.0
        for (k, value) in cumulative.enumerated() {
            let probability = value - previous
            probabilities.append(probability)
            mean += Double(k) * probability
            utility += probability * tables.utility[k]
            previous = value
        }
        return OutcomeEstimate(mrsProbabilities: probabilities, meanMRS: mean, meanUtility: utility, treatment: treatment)
    }
}
