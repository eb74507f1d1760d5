public import Foundation

/// The fit's priors and FM-UE measurement error, from Protocols/recovery/parameters.json.
public struct RecoveryPriors: Sendable, Decodable {
    public struct Value: Sendable, Decodable {
        public var value: Double
    }

    public struct Probability: Sendable, Decodable {
        public var probability: Double
        public var sd: Double
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

    public var version: String
    public var sigmaFm: Value
    public var priors: Priors

    /// Reads and checks the file.
    public static func decode(_ data: Data) throws(RecoveryInputError) -> RecoveryPriors {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        let priors: RecoveryPriors
        do {
            priors = try decoder.decode(RecoveryPriors.self, from: data)
        } catch {
            throw RecoveryInputError("(recovery parameters)", "cannot be read: \(error)")
        }
        let p = priors.priors
        guard priors.sigmaFm.value > 0, p.tauN.days > 0, p.eta.perDay > 0, p.tauN.sd > 0, p.eta.sd > 0,
              [p.rS.default, p.rS.poor].allSatisfy({ (0.001...0.999).contains($0.probability) && $0.sd > 0 }) else {
            throw RecoveryInputError("(recovery parameters)", "has a prior or error that is not positive")
        }
        return priors
    }

    /// (mean, SD) of transformed r_s, τ_N and η; the poor-recovery r_s prior when the patient's
    /// class says so (MEP−, PREP2 Limited or Poor).
    public func transformed(poorRecovery: Bool) -> [(mean: Double, sd: Double)] {
        let r = poorRecovery ? priors.rS.poor : priors.rS.default
        return [(log(r.probability / (1 - r.probability)), r.sd), (log(priors.tauN.days), priors.tauN.sd), (log(priors.eta.perDay), priors.eta.sd)]
    }
}
