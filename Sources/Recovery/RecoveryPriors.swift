public import Clinical
public import Foundation

/// The fit's priors and FM-UE measurement error, from Protocols/recovery/parameters.json.
public struct RecoveryPriors: Sendable, Decodable {
    public struct Value: Sendable, Decodable {
        public var value: Double
    }

    public struct Probability: Sendable, Decodable {
        public var probability: Double
        public var sd: Double
        /// What a reader must know about the evidence behind the prior, when it is disputed.
        public var contested: Caveat?
    }

    /// A caveat with its sources.
    public struct Caveat: Sendable, Decodable {
        public var note: String
        public var sources: [String]
    }

    public struct Days: Sendable, Decodable {
        public var days: Double
        public var sd: Double
    }

    public struct Rate: Sendable, Decodable {
        public var perDay: Double
        public var sd: Double
    }

    public struct Priors: Sendable, Decodable {
        public struct RecoverableFraction: Sendable, Decodable {
            public var `default`: Probability
            public var poor: Probability
        }

        public var rS: RecoverableFraction
        public var tauN: Days
        public var eta: Rate
    }

    public struct Bounds: Sendable, Decodable {
        public var rS: [Double]
        public var tauNDays: [Double]
        public var etaPerDay: [Double]
    }

    /// What a fit needs: the priors of transformed r_s, τ_N and η (mean, SD) and the box
    /// bounds of z = [logit(FM0/66), logit r_s, log τ_N, log η].
    public struct Fit: Sendable {
        public var priors: [(mean: Double, sd: Double)]
        public var lower: [Double]
        public var upper: [Double]
    }

    public var version: String
    public var sigmaFm: Value
    public var priors: Priors
    public var bounds: Bounds

    /// Reads and checks the file.
    public static func decode(_ data: Data) throws(Refusal) -> RecoveryPriors {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        let priors: RecoveryPriors
        do {
            priors = try decoder.decode(RecoveryPriors.self, from: data)
        } catch {
            throw Refusal.invalid("(recovery parameters)", "cannot be read: \(error)")
        }
        let p = priors.priors
        guard priors.sigmaFm.value > 0, p.tauN.days > 0, p.eta.perDay > 0, p.tauN.sd > 0, p.eta.sd > 0,
            [p.rS.default, p.rS.poor].allSatisfy({ (0.001...0.999).contains($0.probability) && $0.sd > 0 })
        else {
            throw Refusal.invalid("(recovery parameters)", "has a prior or error that is not positive")
        }
        let b = priors.bounds
        let pairs: [[Double]] = [b.rS, b.tauNDays, b.etaPerDay]
        let ordered = pairs.allSatisfy { pair in pair.count == 2 && pair[0] > 0 && pair[0] < pair[1] }
        guard ordered, b.rS[1] < 1 else {
            throw Refusal.invalid("bounds", "each must be [low, high] with 0 < low < high (and r_s below 1)")
        }
        return priors
    }

    /// The fit's priors and bounds on the transformed scale; the poor-recovery r_s prior when
    /// the patient's class says so (MEP−, PREP2 Limited or Poor).
    public func transformed(poorRecovery: Bool) -> Fit {
        func logit(_ p: Double) -> Double { log(p / (1 - p)) }
        let r = poorRecovery ? priors.rS.poor : priors.rS.default
        let b = bounds
        let means: [(mean: Double, sd: Double)] = [
            (logit(r.probability), r.sd), (log(priors.tauN.days), priors.tauN.sd),
            (log(priors.eta.perDay), priors.eta.sd),
        ]
        let lower: [Double] = [-.infinity, logit(b.rS[0]), log(b.tauNDays[0]), log(b.etaPerDay[0])]
        let upper: [Double] = [.infinity, logit(b.rS[1]), log(b.tauNDays[1]), log(b.etaPerDay[1])]
        return Fit(priors: means, lower: lower, upper: upper)
    }
}
