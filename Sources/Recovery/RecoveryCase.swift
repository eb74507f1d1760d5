/// Everything the model needs about one patient: FM-UE observations (days since onset), the
/// therapy given and planned, the acute course and the class that picks the priors.
public struct RecoveryCase: Sendable, Codable, Equatable {
    public var days: [Double]
    public var scores: [Double]
    public var schedule: [DoseSegment]
    /// Onset to reperfusion in days; nil when there was none (or it is not known).
    public var reperfusionDays: Double?
    /// NIHSS at onset, for the placeholder NIHSS/mRS outputs; nil: not shown.
    public var nihss0: Double?
    public var recoveryClass: RecoveryClass

    public init(days: [Double], scores: [Double], schedule: [DoseSegment], reperfusionDays: Double?, nihss0: Double?, recoveryClass: RecoveryClass) {
        self.days = days
        self.scores = scores
        self.schedule = schedule
        self.reperfusionDays = reperfusionDays
        self.nihss0 = nihss0
        self.recoveryClass = recoveryClass
    }
}

/// A patient's projection: the fitted curve with its bands, the answer for day 90, the
/// parameter estimates with the χ² test, the speculative parameters it depends on, and the
/// placeholder NIHSS/mRS outputs — with the model and parameter versions that produced it.
public struct RecoveryOutlook: Sendable, Codable, Equatable {
    public struct Estimates: Sendable, Codable, Equatable {
        /// The estimate on the fit's transformed scale, [logit(FM0/66), logit r_s, log τ_N, log η].
        public var z: [Double]
        public var fm0: Double
        public var rS: Double
        public var tauN: Double
        public var eta: Double
        public var totalCost: Double
        public var dataCost: Double
        /// χ²₀.₉₅ with as many degrees of freedom as observations.
        public var threshold: Double
        /// The model test: the data cost is within the threshold.
        public var passes: Bool
        public var observations: Int
        public var start: String
        public var recoveryClass: RecoveryClass
    }

    public struct Band: Sendable, Codable, Equatable {
        /// The 95 % simultaneous band (for the trajectory) and the pointwise one.
        public var lowerSimultaneous: [Double]
        public var upperSimultaneous: [Double]
        public var lowerPointwise: [Double]
        public var upperPointwise: [Double]
        public var acceptedSets: Int
        /// Sets drawn at random until the edges were stable (Protocols/recovery `band`).
        public var sampledSets: Int
        /// False when the edges still moved by the tolerance at the cap (the report warns).
        public var converged: Bool
    }

    /// FM-UE on one day with its 95 % range from the prediction profile likelihood.
    public struct DayAnswer: Sendable, Codable, Equatable {
        public var day: Int
        public var fm: Double
        public var lower: Double
        public var upper: Double
    }

    /// A speculative parameter the projection depends on, and the curve without it.
    public struct Speculative: Sendable, Codable, Equatable {
        public var parameter: String
        public var justification: String
        public var curveWithout: [Double]
    }

    /// The NIHSS and mRS outputs of the specification: placeholders, not from literature.
    public struct PlaceholderOutcomes: Sendable, Codable, Equatable {
        public var status: String
        public var nihss: [Double]
        /// P(mRS ≤ k) at day 90 for k = 0…4.
        public var mrsAtMostDay90: [Double]
        public var expectedMrsDay90: Double
    }

    public var model: String
    public var parameterVersion: String
    public var curve: [Double]
    public var band: Band
    public var day90: DayAnswer
    public var estimates: Estimates
    public var speculative: [Speculative]
    public var placeholderOutcomes: PlaceholderOutcomes?
}

/// A what-if: the projection under the current therapy and under the proposal, each with the
/// band of the accepted parameter sets.
public struct RecoveryWhatIfOutlook: Sendable, Codable, Equatable {
    public struct Course: Sendable, Codable, Equatable {
        public var curve: [Double]
        public var lower: [Double]
        public var upper: [Double]

        public init(curve: [Double], lower: [Double], upper: [Double]) {
            self.curve = curve
            self.lower = lower
            self.upper = upper
        }
    }

    public var model: String
    public var parameterVersion: String
    public var current: Course
    public var proposed: Course
    /// Proposed minus current, on days 90 and 180 (the estimate's curves); day 180 only when
    /// the horizon reaches it.
    public var differenceDay90: Double
    /// The lowest and highest difference on day 90 over the accepted parameter sets.
    public var differenceDay90Lower: Double
    public var differenceDay90Upper: Double
    public var differenceDay180: Double?
    /// The model's horizon (Protocols/recovery) and the difference on that day.
    public var horizonDays: Int
    public var differenceAtHorizon: Double
    public var speculative: [RecoveryOutlook.Speculative]
}
