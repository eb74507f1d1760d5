public import Clinical
import Foundation

/// 90-day mRS distribution, mean mRS and mean utility for a treatment at a time.
public struct OutcomeEstimate: Sendable, Equatable, JSONWritable {
    /// P(mRS = k), k = 0…6.
    public var mrsProbabilities: [Double]
    public var meanMRS: Double
    public var meanUtility: Double
    /// Which treatment the estimate is for ("none", "ivt", "mt").
    public var treatment: String

    /// The chance of functional independence, mRS 0–2 at 90 days (the outcome tables' threshold
    /// k = 2, reference/acute.md section 6), from a distribution P(mRS = k), k = 0…6.
    public static func independence(_ mrsProbabilities: [Double]) -> Double {
        mrsProbabilities.prefix(3).reduce(0, +)
    }

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
        var previous = 0.0
        var mean = 0.0
        var utility = 0.0
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

/// Drip-and-ship against mothership for one patient: each option's times and expected
/// outcome, weighted by the probability of LVO.
public struct RoutingComparison: Sendable, JSONWritable {
    public struct Option: Sendable {
        public var name: String
        public var onsetToNeedleMin: Double?
        public var onsetToPunctureMin: Double
        public var meanMRS: Double
        public var meanUtility: Double
        /// P(mRS 0–2).
        public var independent: Double
    }

    public var lvoProbability: Double
    public var options: [Option]
    public var note: String

    /// The option with the higher expected utility.
    public var better: String? { options.max { $0.meanUtility < $1.meanUtility }?.name }

    public func write(to writer: inout JSONWriter) {
        writer.object { json in
            json.field("lvo_probability", lvoProbability)
            json.key("options")
            json.array(options) { json, option in
                json.object { json in
                    json.field("name", option.name)
                    json.field("onset_to_needle_min", option.onsetToNeedleMin)
                    json.field("onset_to_puncture_min", option.onsetToPunctureMin)
                    json.field("mean_mrs", option.meanMRS)
                    json.field("mean_utility", option.meanUtility)
                    json.field("mrs_0_2", option.independent)
                }
            }
            json.field("better", better)
            json.field("note", note)
        }
    }
}

extension OutcomeModel {
    /// Compares drip-and-ship with mothership for the given times: the LVO share treated with
    /// IVT (when on offer) and thrombectomy, the rest with IVT alone.
    public func compareRoutes(_ times: RoutingTimes, lvoSite: Bool?, ivtPossible: Bool) -> RoutingComparison {
        let probability = times.lvoProbability ?? (lvoSite == true ? tables.routingLVOProbability.lvoSite : tables.routingLVOProbability.otherwise)
        func option(_ name: String, _ route: (needle: Double, puncture: Double)) -> RoutingComparison.Option {
            let needle = ivtPossible ? route.needle : nil
            let lvo = estimate(lvo: true, needle: needle, puncture: route.puncture)
            let other = estimate(lvo: false, needle: needle, puncture: nil)
            func mix(_ a: Double, _ b: Double) -> Double { probability * a + (1 - probability) * b }
            return .init(
                name: name, onsetToNeedleMin: needle, onsetToPunctureMin: route.puncture,
                meanMRS: mix(lvo.meanMRS, other.meanMRS), meanUtility: mix(lvo.meanUtility, other.meanUtility),
                independent: mix(OutcomeEstimate.independence(lvo.mrsProbabilities), OutcomeEstimate.independence(other.mrsProbabilities)))
        }
        return RoutingComparison(
            lvoProbability: probability,
            options: [option("drip-and-ship", times.dripAndShip), option("mothership", times.mothership)],
            note: tables.routingNote)
    }
}
